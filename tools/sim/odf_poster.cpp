#include "tools/sim/odf_poster.hpp"

#include <thread>

#include "base/host_port.hpp"
#include "base/net.hpp"
#include "tools/sim/live_pace.hpp"

namespace splitstream::sim {

namespace {

constexpr std::size_t max_answer_bytes = 64 * 1024;

void run_one(net::io_context& ioc) {
    ioc.restart();
    ioc.run();
}

// One pushing connection; reconnects when a request fails.
class poster {
public:
    poster(const http_url& url, const push_options& o) : url_(url), o_(o), stream_(ioc_) {}

    // Posts `body`; the status, or the error that kept it from an answer.
    beast::error_code post(const std::string& body, http::response<http::string_body>& answer) {
        if (!connected_) {
            if (auto ec = connect()) return ec;
        }
        http::request<http::string_body> req{http::verb::post, url_.target, 11};
        req.set(http::field::host, format_host_port(url_.host, url_.port));
        req.set(http::field::content_type, "application/xml");
        req.set(http::field::user_agent, "splitstream-sim");
        req.keep_alive(true);
        req.body() = body;
        req.prepare_payload();
        beast::error_code ec;
        stream_.expires_after(o_.timeout);
        http::async_write(stream_, req, [&](beast::error_code e, std::size_t) { ec = e; });
        run_one(ioc_);
        if (!ec) {
            http::response_parser<http::string_body> parser;
            parser.body_limit(max_answer_bytes);
            stream_.expires_after(o_.timeout);
            http::async_read(stream_, buffer_, parser, [&](beast::error_code e, std::size_t) { ec = e; });
            run_one(ioc_);
            if (!ec) answer = parser.release();
        }
        if (ec || !answer.keep_alive()) close();
        return ec;
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.close();
        buffer_.clear();
        connected_ = false;
    }

private:
    beast::error_code connect() {
        beast::error_code ec;
        tcp::resolver resolver(ioc_);
        const auto endpoints = resolver.resolve(url_.host, std::to_string(url_.port), ec);
        if (ec) return ec;
        stream_.expires_after(o_.timeout);
        stream_.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
        run_one(ioc_);
        if (ec) {
            stream_.close();
            return ec;
        }
        connected_ = true;
        return {};
    }

    const http_url& url_;
    const push_options& o_;
    net::io_context ioc_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    bool connected_ = false;
};

}  // namespace

std::optional<http_url> parse_http_url(std::string_view text) {
    constexpr std::string_view scheme = "http://";
    if (text.substr(0, scheme.size()) != scheme) return std::nullopt;
    text.remove_prefix(scheme.size());
    const auto slash = text.find('/');
    auto at = parse_host_port(text.substr(0, slash));
    if (!at || at->port == 0) return std::nullopt;
    http_url url{at->host, at->port, "/"};
    if (slash != std::string_view::npos) url.target = std::string(text.substr(slash));
    return url;
}

push_result post_documents(const std::vector<timed_payload>& documents, const http_url& url,
                           const push_options& o, spdlog::logger& log) {
    push_result out;
    const auto where = "http://" + format_host_port(url.host, url.port) + url.target;
    poster p(url, o);
    live_pace pace(o.session_start_unix_ms, o.speed);
    for (const auto& doc : documents) {
        pace.wait_for(doc.ts);
        std::string last_error;
        bool done = false;
        for (int attempt = 1; attempt <= o.attempts && !done; ++attempt) {
            if (attempt > 1) std::this_thread::sleep_for(o.retry_wait);
            http::response<http::string_body> answer;
            if (auto ec = p.post(doc.bytes, answer)) {
                last_error = ec.message();
                log.debug("sim: POST {} to {} (attempt {} of {}): {}", doc.name, where, attempt, o.attempts,
                          last_error);
                continue;
            }
            const auto status = answer.result_int();
            if (status >= 200 && status < 300) {
                ++out.sent;
                done = true;
            } else if (status >= 500) {
                last_error = "HTTP " + std::to_string(status) + ": " + answer.body();
            } else {
                ++out.refused;
                auto reason = answer.body();
                while (!reason.empty() && (reason.back() == '\n' || reason.back() == '\r')) reason.pop_back();
                log.warn("sim: {} refused {} (HTTP {}): {}", where, doc.name, status, reason);
                done = true;
            }
        }
        if (!done) {
            out.error = "cannot POST " + doc.name + " to " + where + " after " + std::to_string(o.attempts) +
                        " attempts: " + last_error;
            return out;
        }
    }
    p.close();
    return out;
}

}  // namespace splitstream::sim
