// The Socket.IO peer of `bench fan-out`: what a team would run instead of the hub for one room's broadcast.
// A client emits "join" (room, ack) to enter a room and "publish" (room, event, data) to have `data` emitted as
// `event` to everyone in the room, the sender included, as the hub and nats-server do. Nothing else.
// Usage: node server.js PORT
const { createServer } = require("http");
const { Server } = require("socket.io");

const port = Number(process.argv[2]);
const http = createServer();
const io = new Server(http, {
  transports: ["websocket"],
  serveClient: false,
  maxHttpBufferSize: 1 << 20,
  perMessageDeflate: false,
});

io.on("connection", (socket) => {
  socket.on("join", (room, ack) => {
    socket.join(room);
    if (typeof ack === "function") {
      ack(room);
    }
  });
  socket.on("publish", (room, event, data) => {
    io.to(room).emit(event, data);
  });
});

http.listen(port, "127.0.0.1", () => {
  console.log(`socket.io server on 127.0.0.1:${port}`);
});
