#pragma once
// What JetStream answers a publish with a reply subject, read (pure, so the
// exact bodies nats-server sends are unit-tested):
//   {"stream":"S", "seq":N}                      stored (2.9 writes the space)
//   {"stream":"S", "seq":N,"duplicate": true}    it had the message id already
//   {"error":{"code":400,"err_code":N,..},..}    refused; 10070: only for the
//                                                expected last message id
//   empty (a no-responders status)               no stream takes the subject

#include <string_view>

namespace splitstream::scaleout {

struct jetstream_ack {
    bool refused = false;
    bool wrong_last = false;  // refused for its expected last message id alone
    bool duplicate = false;
};

jetstream_ack read_jetstream_ack(std::string_view body);

}  // namespace splitstream::scaleout
