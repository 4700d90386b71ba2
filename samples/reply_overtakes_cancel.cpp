// A request/response protocol with cancellation. The client sends a
// request, waits a while for the reply, and on a timeout sends a cancel and
// moves on to its next request, taking the next message as that request's
// reply. But the server may have replied before the cancel reached it: the
// late reply overtakes the cancel, and the client takes the answer to its
// first question as the answer to its second.
//
// Fix: replies carry the id of their request, and the client drops replies
// to requests it cancelled.

#include <string>

#include "sample.h"
#include "weft/weft.h"

namespace weft::samples::reply_overtakes_cancel {

namespace {

using namespace std::chrono_literals;

// Message is a request ("get"), a cancel or a reply, for request `id`.
struct Message {
  enum class Kind { request, cancel, reply } kind = Kind::request;
  int id = 0;
};

// serve answers each request after 10 ms of work, unless it was cancelled
// while the work went on.
void serve(weft::pipe_end<Message> end) {
  while (auto m = end.recv()) {
    if (m->kind != Message::Kind::request) continue;
    weft::this_thread::sleep_for(10ms);
    if (auto cancel = end.try_recv(); cancel && cancel->kind == Message::Kind::cancel && cancel->id == m->id)
      continue;
    end.send({Message::Kind::reply, m->id});
  }
}

// ask sends request `id` and waits `patience` for its reply; on a timeout it
// cancels. Returns the id of the reply it took, or -1.
int ask(weft::pipe_end<Message>& end, int id, std::chrono::milliseconds patience, bool check_ids) {
  end.send({Message::Kind::request, id});
  for (;;) {
    auto reply = end.recv_for(patience);
    if (!reply) {
      end.send({Message::Kind::cancel, id});
      return -1;
    }
    if (!check_ids || reply->id == id) return reply->id;
    // a late reply to a cancelled request: drop it and keep waiting
  }
}

void run(bool check_ids) {
  auto [client, server_end] = weft::pipe<Message>();
  weft::process server("server", &serve, server_end);
  ask(client, 1, 5ms, check_ids);  // impatient: may time out and cancel
  const int answered = ask(client, 2, 1000ms, check_ids);
  // A timeout is fine (the server may be slow); a wrong answer is not.
  WEFT_ASSERT(answered == 2 || answered == -1,
              "the reply to a cancelled request was taken as the reply to the next one");
  client.close();
  WEFT_ASSERT(server.wait().ok());
}

}  // namespace

void buggy() { run(false); }
void fixed() { run(true); }

}  // namespace weft::samples::reply_overtakes_cancel
