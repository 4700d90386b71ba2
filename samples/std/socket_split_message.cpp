// One read is not one message: a client sends a request line over a
// SOCK_STREAM socketpair and the server parses what one read() returns as
// the whole request. A stream keeps no message boundaries: the kernel may
// deliver the line in pieces, and the server then rejects half a request.
//
// Fix: read until the request's terminator has arrived.

#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "std_samples.h"
#include "weft/assert.h"

namespace weft::samples::std_socket_split_message {

namespace {
constexpr char kRequest[] = "GET balance\n";

struct Connection {
  Connection() { WEFT_ASSERT(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) == 0); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() {
    ::close(ends[0]);
    ::close(ends[1]);
  }
  int client() const { return ends[0]; }
  int server() const { return ends[1]; }
  int ends[2];
};

void serve(int fd, const std::string& request) {
  WEFT_ASSERT(request == kRequest, "bad request: '" + request + "'");
  WEFT_ASSERT(::write(fd, "42\n", 3) == 3);
}

void ask(const Connection& c) {
  WEFT_ASSERT(::write(c.client(), kRequest, sizeof kRequest - 1) == sizeof kRequest - 1);
  char reply[8];
  WEFT_ASSERT(::read(c.client(), reply, sizeof reply) > 0);
}
}  // namespace

void buggy() {
  Connection c;
  std::thread server([&] {
    char buf[64];
    const ssize_t n = ::read(c.server(), buf, sizeof buf);  // assumes the whole line
    WEFT_ASSERT(n > 0);
    serve(c.server(), std::string(buf, static_cast<std::size_t>(n)));
  });
  ask(c);
  server.join();
}

void fixed() {
  Connection c;
  std::thread server([&] {
    std::string request;
    while (request.empty() || request.back() != '\n') {
      char buf[64];
      const ssize_t n = ::read(c.server(), buf, sizeof buf);
      WEFT_ASSERT(n > 0);
      request.append(buf, static_cast<std::size_t>(n));
    }
    serve(c.server(), request);
  });
  ask(c);
  server.join();
}

}  // namespace weft::samples::std_socket_split_message
