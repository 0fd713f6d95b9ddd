#include "daemon/json_log_formatter.hpp"

#include <string>
#include <string_view>

#include "feed/json_writer.hpp"

namespace splitstream::daemon {

namespace {

// `%*` in the pattern: the message as a JSON string, quotes included.
class json_message_flag final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
        scratch_.clear();
        feed::append_json_string(scratch_, std::string_view(msg.payload.data(), msg.payload.size()));
        dest.append(scratch_.data(), scratch_.data() + scratch_.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<json_message_flag>();
    }

private:
    std::string scratch_;
};

}  // namespace

std::unique_ptr<spdlog::formatter> make_json_log_formatter() {
    auto f = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    f->add_flag<json_message_flag>('*').set_pattern(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","logger":"%n","msg":%*})");
    return f;
}

}  // namespace splitstream::daemon
