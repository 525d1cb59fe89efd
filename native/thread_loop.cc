// The event-loop integration for runtimes without a usable libuv: not built yet.
#include "event_loop.h"

namespace zmqnapi {

std::unique_ptr<EventLoop> CreateThreadLoop(Napi::Env, Module&) { return nullptr; }

}  // namespace zmqnapi
