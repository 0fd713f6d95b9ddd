#pragma once
// The control channels of one hub: their states, the overlays subscribed to
// each (`/v1/stream?control=A`), and the hand-off of every change to them.
// A change is one shared frame, queued on each subscriber of the channel at
// once through its normal bounded queue: not corked behind the fan-out, not
// filtered, with no seq (it is not part of the derived stream). Lives in
// the hub and, like it, is touched only on its io_context thread. State is
// in memory only: a restart starts every channel again at rev 0.

#include <spdlog/logger.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "publish/connection.hpp"
#include "publish/control_channel.hpp"
#include "publish/frame.hpp"
#include "publish/publish_metrics.hpp"

namespace splitstream::publish {

class control_desk {
public:
    control_desk(publish_metrics& metrics, spdlog::logger& log);
    control_desk(const control_desk&) = delete;
    control_desk& operator=(const control_desk&) = delete;

    // Registers `s` as an overlay of `channel` (a valid name) and returns
    // the channel's current message, for the subscriber to queue after its
    // hello. A subscriber follows one channel; `s` must leave() before it
    // is destroyed.
    frame_ptr join(std::string_view channel, subscriber& s);
    // Forgets `s` if it follows a channel; cheap when it does not.
    void leave(subscriber& s);

    // `POST /v1/control/{channel}`: parses `body`, applies it, sends the
    // new state to every overlay of the channel, logs and counts the
    // change. Returns the new state as JSON, or why nothing changed.
    // `remote` is for the log; `now_unix_ms` is the time of the change.
    std::variant<std::string, control_error> change(std::string_view channel, std::string_view body,
                                                    std::string_view remote, std::int64_t now_unix_ms);

    // `GET /v1/control/{channel}` and `GET /v1/control`.
    std::string state_json(std::string_view channel) const {
        return control_state_json(board_.state(channel));
    }
    std::string list_json() const { return board_.list_json(); }

    std::size_t followers() const { return channel_of_.size(); }

private:
    frame_ptr message_frame(std::string_view channel) const;

    publish_metrics& metrics_;
    spdlog::logger& log_;
    control_board board_;
    // The current message of every channel set so far (shared by every
    // overlay that joins); a channel never set gets a rev 0 message.
    std::map<std::string, frame_ptr, std::less<>> messages_;
    std::map<std::string, std::vector<subscriber*>, std::less<>> followers_;
    std::unordered_map<const subscriber*, std::string> channel_of_;
    simdjson::dom::parser parser_;  // for control bodies; one thread
};

}  // namespace splitstream::publish
