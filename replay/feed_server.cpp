// The feed server and its sessions (replay/feed_server.hpp): one concept,
// the clock shared by every client and each client's walk through the
// recording, with the faults applied on the way out.

#include "replay/feed_server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <deque>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>
#include <vector>

#include "base/connection_ending.hpp"
#include "base/request_target.hpp"
#include "feed/iso_time.hpp"
#include "feed/json_writer.hpp"

namespace splitstream::replay {

namespace {

using steady = std::chrono::steady_clock;

std::string now_iso() {
    return feed::format_iso_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

// The project's one escaper: control characters escaped, not dropped.
std::string json_quoted(std::string_view s) {
    std::string out;
    feed::append_json_string(out, s);
    return out;
}

// Rewrites the first `"seq":N` of a frame.
std::string with_seq(std::string_view text, std::uint64_t seq) {
    auto pos = text.find("\"seq\":");
    if (pos == std::string_view::npos) return std::string(text);
    auto start = pos + 6;
    while (start < text.size() && text[start] == ' ') ++start;
    auto end = start;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    std::string out(text.substr(0, start));
    out += std::to_string(seq);
    out += text.substr(end);
    return out;
}

class feed_session;

}  // namespace

struct feed_server::state : std::enable_shared_from_this<feed_server::state> {
    state(net::io_context& ioc, feed_recording r, feed_server_options o, std::shared_ptr<spdlog::logger> l)
        : ioc(ioc), rec(std::move(r)), opt(std::move(o)), log(std::move(l)), acceptor(ioc) {
        loop_len_ms = (rec.frames.empty() ? 0 : rec.frames.back().offset_ms) + opt.loop_pause.count();
    }

    void do_accept();
    void on_accept(beast::error_code ec, tcp::socket socket);

    unsigned gens_per_loop() const { return opt.faults.epoch_change_at ? 2 : 1; }
    bool after_change(std::size_t i) const {
        return opt.faults.epoch_change_at && rec.frames[i].seq >= *opt.faults.epoch_change_at;
    }
    std::uint64_t gen_of(std::uint64_t k, std::size_t i) const {
        return k * gens_per_loop() + after_change(i);
    }
    std::uint64_t out_seq(std::size_t i) const {
        return rec.frames[i].seq - (after_change(i) ? *opt.faults.epoch_change_at - 1 : 0);
    }
    std::string epoch_name(std::uint64_t gen) const {
        return gen == 0 ? rec.epoch : rec.epoch + "." + std::to_string(gen + 1);
    }
    steady::time_point due(std::uint64_t k, std::size_t i) const {
        if (opt.speed <= 0) return start;
        double ms = (static_cast<double>(k) * static_cast<double>(loop_len_ms) +
                     static_cast<double>(rec.frames[i].offset_ms)) /
                    opt.speed;
        return start + std::chrono::nanoseconds(static_cast<std::int64_t>(ms * 1e6));
    }
    std::uint64_t current_loop() const {
        if (!opt.loop || opt.speed <= 0 || loop_len_ms <= 0) return 0;
        double elapsed_ms =
            std::chrono::duration<double, std::milli>(steady::now() - start).count() * opt.speed;
        return static_cast<std::uint64_t>(elapsed_ms / static_cast<double>(loop_len_ms));
    }
    // True the first time (loop, seq, fault) is asked: faults fire once.
    bool fire(std::uint64_t k, std::uint64_t seq, fault_kind kind) {
        bool first = fired.emplace(k, seq, kind).second;
        if (first) ++stats.faults_fired;
        return first;
    }

    net::io_context& ioc;
    feed_recording rec;
    feed_server_options opt;
    std::shared_ptr<spdlog::logger> log;
    tcp::acceptor acceptor;
    steady::time_point start;
    std::int64_t loop_len_ms = 0;
    std::set<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>> fired;
    std::vector<std::weak_ptr<feed_session>> sessions;
    std::size_t active = 0;
    std::uint64_t next_id = 1;
    feed_server_stats stats;
    bool stopped = false;
};

namespace {

struct resume_request {
    std::optional<std::uint64_t> since;
    std::string epoch;
};

// `?since=N&epoch=E`, percent-decoded. A since that is not all digits (or
// 20 digits and more, past any seq) is ignored, an epoch is cut at 256
// characters, and the last valid value of each counts. A malformed target
// asks for nothing: the client starts live, as when its epoch is unknown.
resume_request parse_target(std::string_view target) {
    resume_request r;
    const auto parsed = parse_request_target(target);
    if (!parsed) return r;
    for (const auto& [key, value] : parsed->query) {
        if (key == "since" && !value.empty() && value.size() < 20 &&
            std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
            r.since = std::stoull(value);
        if (key == "epoch") r.epoch = value.substr(0, 256);
    }
    return r;
}

// One client connection. Owned by its pending operations; the server keeps
// a weak handle to close it on stop. Runs on the server's single thread.
// It pulls frames from the shared recording when they fall due, so there is
// no queue beyond the (at most three) texts of the current step.
class feed_session : public std::enable_shared_from_this<feed_session> {
public:
    feed_session(tcp::socket socket, std::shared_ptr<feed_server::state> st, std::uint64_t id)
        : ws_(std::move(socket)), timer_(ws_.get_executor()), st_(std::move(st)), id_(id) {}
    ~feed_session() { --st_->active; }

    void run() {
        // Frames are small and timed: Nagle's algorithm would hold one back
        // until the client's (delayed, up to 40 ms) ACK of the one before.
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ignored);
        do_read_request();
    }
    void close() { close_socket(); }

private:
    void do_read_request() {
        beast::get_lowest_layer(ws_).expires_after(st_->opt.handshake_timeout);
        http::async_read(beast::get_lowest_layer(ws_), http_buffer_, request_,
                         beast::bind_front_handler(&feed_session::on_read_request, shared_from_this()));
    }

    void on_read_request(beast::error_code ec, std::size_t) {
        if (ec) return fail(ec, "read request");
        if (!websocket::is_upgrade(request_)) return close_socket();
        beast::get_lowest_layer(ws_).expires_never();
        auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
        timeouts.handshake_timeout = st_->opt.handshake_timeout;
        ws_.set_option(timeouts);
        ws_.read_message_max(64 * 1024);
        ws_.async_accept(request_, beast::bind_front_handler(&feed_session::on_accept, shared_from_this()));
    }

    void on_accept(beast::error_code ec) {
        if (ec) return fail(ec, "handshake");
        place(parse_target(request_.target()));
        do_read();
        do_next();
    }

    // Chooses where this client starts and queues its hello.
    void place(const resume_request& want) {
        const auto n = st_->rec.frames.size();
        std::optional<std::uint64_t> gen;
        if (want.since) {
            auto newest = (st_->current_loop() + 1) * st_->gens_per_loop();
            if (want.epoch.empty()) gen = 0;
            for (std::uint64_t g = 0; g < newest && !want.epoch.empty(); ++g)
                if (st_->epoch_name(g) == want.epoch) gen = g;
        }
        std::uint64_t hello_seq = 0;
        if (gen) {
            k_ = *gen / st_->gens_per_loop();
            i_ = 0;
            while (i_ < n && (st_->gen_of(k_, i_) < *gen ||
                              (st_->gen_of(k_, i_) == *gen && st_->out_seq(i_) <= *want.since)))
                ++i_;
            gen_ = *gen;
            hello_seq = *want.since;
        } else {
            k_ = st_->current_loop();
            i_ = 0;
            gen_ = n ? st_->gen_of(k_, 0) : 0;
            hello_seq = n ? st_->out_seq(0) - 1 : 0;
            while (i_ < n && st_->rec.frames[i_].type == "hello") hello_seq = st_->out_seq(i_++);
        }
        last_seq_ = hello_seq;
        outbox_.push_back(hello_text(hello_seq));
        st_->log->debug("feed client {} from {}: since {} epoch {} -> frame {}", id_, remote(),
                        want.since ? std::to_string(*want.since) : "-", want.epoch, i_);
    }

    std::string hello_text(std::uint64_t seq) const {
        return "{\"seq\":" + std::to_string(seq) + ",\"type\":\"hello\",\"ts\":\"" + now_iso() +
               "\",\"feed\":" + json_quoted(st_->rec.feed) +
               ",\"epoch\":" + json_quoted(st_->epoch_name(gen_)) + "}";
    }

    void do_read() {
        ws_.async_read(read_buffer_, beast::bind_front_handler(&feed_session::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec) return fail(ec, "read");
        // Clients have nothing to say to a timing feed; what they send is
        // read (for pings and closes) and discarded.
        read_buffer_.consume(read_buffer_.size());
        do_read();
    }

    void do_next() {
        if (closed_ || writing_ || waiting_) return;
        const auto n = st_->rec.frames.size();
        for (;;) {
            if (!outbox_.empty()) return do_write();
            auto now = steady::now();
            if (now < silence_until_) {
                if (spin_until(silence_until_)) continue;
                return wait_until(silence_until_);
            }
            if (i_ >= n && st_->opt.loop && n > 0) {
                ++k_;
                i_ = 0;
            }
            std::optional<steady::time_point> due;
            if (i_ < n) due = st_->due(k_, i_);
            if (due && *due <= now) {
                produce();
                if (closed_) return;
                continue;
            }
            auto heartbeat_at = last_send_ + st_->opt.heartbeat_interval;
            if (heartbeat_at <= now) {
                outbox_.push_back("{\"seq\":" + std::to_string(last_seq_) +
                                  ",\"type\":\"heartbeat\",\"ts\":\"" + now_iso() + "\"}");
                ++st_->stats.heartbeats_sent;
                continue;
            }
            const auto next = due ? std::min(*due, heartbeat_at) : heartbeat_at;
            if (spin_until(next)) continue;
            return wait_until(next);
        }
    }

    // Moves frame i_ (and what its faults make of it) into the outbox.
    void produce() {
        const auto& frames = st_->rec.frames;
        const auto& f = frames[i_];
        if (f.type == "hello") return void(++i_);
        auto gen = st_->gen_of(k_, i_);
        auto seq = st_->out_seq(i_);
        if (gen != gen_) {
            // The upstream "restarted": a new epoch, seq from the start again.
            gen_ = gen;
            last_seq_ = seq - 1;
            outbox_.push_back(hello_text(last_seq_));
            return;
        }
        auto d = decide_faults(st_->opt.faults, f.seq);
        auto text = [&](std::size_t i) { return with_seq(frames[i].text, st_->out_seq(i)); };
        if (d.silence.count() > 0 && st_->fire(k_, f.seq, fault_silence)) {
            st_->log->info("fault: silence of {} ms before seq {}", d.silence.count(), seq);
            silence_until_ = steady::now() + d.silence;
            return;
        }
        if (d.disconnect && st_->fire(k_, f.seq, fault_disconnect)) {
            st_->log->info("fault: disconnecting client {} before seq {}", id_, seq);
            return close_socket();
        }
        ++i_;
        last_seq_ = std::max(last_seq_, seq);
        if (d.drop && st_->fire(k_, f.seq, fault_drop)) return;
        if (d.corrupt && st_->fire(k_, f.seq, fault_corrupt))
            return outbox_.push_back(corrupted_frame(text(i_ - 1)));
        if (d.oversize && st_->fire(k_, f.seq, fault_oversize))
            return outbox_.push_back(oversized_frame(text(i_ - 1)));
        if (d.reorder && i_ < frames.size() && frames[i_].type != "hello" && st_->gen_of(k_, i_) == gen &&
            st_->fire(k_, f.seq, fault_reorder)) {
            outbox_.push_back(text(i_));
            outbox_.push_back(text(i_ - 1));
            last_seq_ = std::max(last_seq_, st_->out_seq(i_));
            ++i_;
            return;
        }
        outbox_.push_back(text(i_ - 1));
        if (d.duplicate && st_->fire(k_, f.seq, fault_dup)) outbox_.push_back(text(i_ - 1));
    }

    // The last stretch before `t` is waited on the clock itself
    // (feed_server_options::spin_before_due), so the thread is awake when a
    // frame is due, not woken late by a timer. True when it waited.
    bool spin_until(steady::time_point t) const {
        const auto spin = st_->opt.spin_before_due;
        if (spin.count() <= 0 || t - steady::now() > spin) return false;
        while (steady::now() < t) {
        }
        return true;
    }

    // Sleeps until the stretch that spin_until waits on the clock.
    void wait_until(steady::time_point t) {
        waiting_ = true;
        timer_.expires_at(t - st_->opt.spin_before_due);
        timer_.async_wait(beast::bind_front_handler(&feed_session::on_timer, shared_from_this()));
    }

    void on_timer(beast::error_code ec) {
        waiting_ = false;
        if (ec) return;
        do_next();
    }

    void do_write() {
        writing_ = true;
        ws_.text(true);
        ws_.async_write(net::buffer(outbox_.front()),
                        beast::bind_front_handler(&feed_session::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t) {
        writing_ = false;
        if (ec) return fail(ec, "write");
        outbox_.pop_front();
        ++st_->stats.frames_sent;
        last_send_ = steady::now();
        do_next();
    }

    void close_socket() {
        if (closed_) return;
        closed_ = true;
        timer_.cancel();
        beast::error_code ignored;
        auto& sock = beast::get_lowest_layer(ws_).socket();
        sock.shutdown(tcp::socket::shutdown_both, ignored);
        sock.close(ignored);
    }

    void fail(beast::error_code ec, const char* what) {
        // A client going away, or our own close, is an ordinary ending.
        if (is_ordinary_ending(ec) || closed_)
            st_->log->debug("feed client {}: {}: {}", id_, what, ec.message());
        else
            st_->log->warn("feed client {} ({}): {}: {}", id_, remote(), what, ec.message());
        close_socket();
    }

    std::string remote() const {
        beast::error_code ec;
        auto ep = beast::get_lowest_layer(ws_).socket().remote_endpoint(ec);
        return ec ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port());
    }

    websocket::stream<beast::tcp_stream> ws_;
    net::steady_timer timer_;
    std::shared_ptr<feed_server::state> st_;
    std::uint64_t id_;
    beast::flat_buffer http_buffer_;
    http::request<http::string_body> request_;
    beast::flat_buffer read_buffer_;
    std::deque<std::string> outbox_;  // at most three texts: see produce()
    std::uint64_t k_ = 0;             // loop pass
    std::size_t i_ = 0;               // next frame
    std::uint64_t gen_ = 0;           // epoch generation announced to this client
    std::uint64_t last_seq_ = 0;
    steady::time_point last_send_ = steady::now();
    steady::time_point silence_until_{};
    bool writing_ = false;
    bool waiting_ = false;
    bool closed_ = false;
};

}  // namespace

void feed_server::state::do_accept() {
    acceptor.async_accept(net::make_strand(ioc),
                          beast::bind_front_handler(&feed_server::state::on_accept, shared_from_this()));
}

void feed_server::state::on_accept(beast::error_code ec, tcp::socket socket) {
    if (stopped) return;
    if (ec) {
        log->warn("feed server accept: {}", ec.message());
    } else if (active >= opt.max_clients) {
        log->warn("feed server: refusing a client, {} connected (max_clients)", active);
    } else {
        ++active;
        ++stats.connections;
        auto s = std::make_shared<feed_session>(std::move(socket), shared_from_this(), next_id++);
        std::erase_if(sessions, [](auto& w) { return w.expired(); });
        sessions.push_back(s);
        s->run();
    }
    do_accept();
}

feed_server::feed_server(net::io_context& ioc, feed_recording recording, feed_server_options options,
                         std::shared_ptr<spdlog::logger> log)
    : state_(std::make_shared<state>(ioc, std::move(recording), std::move(options), std::move(log))) {}

feed_server::~feed_server() {
    stop();
}

beast::error_code feed_server::start() {
    auto& s = *state_;
    beast::error_code ec;
    auto address = net::ip::make_address(s.opt.host, ec);
    if (ec) return ec;
    tcp::endpoint ep{address, s.opt.port};
    s.acceptor.open(ep.protocol(), ec);
    if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) s.acceptor.bind(ep, ec);
    if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return ec;
    s.start = steady::now();
    s.do_accept();
    return {};
}

tcp::endpoint feed_server::local_endpoint() const {
    beast::error_code ec;
    return state_->acceptor.local_endpoint(ec);
}

void feed_server::stop() {
    auto& s = *state_;
    if (s.stopped) return;
    s.stopped = true;
    beast::error_code ignored;
    s.acceptor.close(ignored);
    for (auto& w : s.sessions)
        if (auto p = w.lock()) p->close();
    s.sessions.clear();
}

feed_server_stats feed_server::stats() const {
    return state_->stats;
}

}  // namespace splitstream::replay
