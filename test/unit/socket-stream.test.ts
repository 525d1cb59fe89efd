import {expect} from "chai"
import * as net from "node:net"
import * as zmq from "../../lib"
import {bindAny, within} from "../helpers"

describe("the Stream socket", () => {
  it("talks raw TCP with a node:net client, with connect and disconnect notices", async () => {
    const stream = new zmq.Stream()
    try {
      const endpoint = await bindAny(stream, "tcp")
      const port = Number(endpoint.split(":").pop())
      const client = net.connect(port, "127.0.0.1")
      await new Promise<void>(resolve => client.once("connect", resolve))

      const [id, empty] = await within(stream.receive(), 5000, "connect notice")
      expect(empty).to.have.length(0)

      client.write("hello from net")
      let text = ""
      while (text.length < "hello from net".length) {
        const [from, data] = await within(stream.receive(), 5000)
        expect(from.equals(id)).to.equal(true)
        text += data.toString()
      }
      expect(text).to.equal("hello from net")

      const reply = new Promise<string>(resolve =>
        client.once("data", data => resolve(data.toString())),
      )
      await stream.send([id, "hello from zmq"])
      expect(await within(reply, 5000)).to.equal("hello from zmq")

      client.end()
      const [gone, nothing] = await within(stream.receive(), 5000, "disconnect notice")
      expect(gone.equals(id)).to.equal(true)
      expect(nothing).to.have.length(0)
    } finally {
      stream.close()
    }
  })
})
