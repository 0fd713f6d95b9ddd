#include "daemon/adapter_folders.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "adapters/feed_json.hpp"
#include "feed/iso_time.hpp"
#include "replay/journal_reader.hpp"

namespace splitstream::daemon {

namespace {

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

bool is_input(const std::string& name, bool odf) {
    const auto l = lower(name);
    if (odf) return l.ends_with(".xml");
    return l == "lynx.evt" || l == "lynx.ppl" || l.ends_with(".lif");
}

bool is_evt(const std::string& name) {
    return lower(name).ends_with(".evt");
}

bool is_ppl(const std::string& name) {
    return lower(name).ends_with(".ppl");
}

// lynx.ppl first (the people that complete the start lists), then lynx.evt
// (the start lists the LIFs need), then the LIFs by name.
bool read_before(const std::string& a, const std::string& b) {
    auto rank = [](const std::string& n) { return is_ppl(n) ? 0 : is_evt(n) ? 1 : 2; };
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    return a < b;
}

}  // namespace

std::vector<std::string> adapter_line_names() {
    return {"lynx-dir", "lynx-scoreboard", "odf"};  // in adapter_line order
}

adapter_folders::adapter_folders(net::any_io_executor executor, adapter_folders_options options,
                                 ingest::feed_ingest& ingest, metrics_registry& metrics,
                                 std::shared_ptr<spdlog::logger> log)
    : executor_(executor),
      timer_(executor),
      options_(std::move(options)),
      ingest_(ingest),
      log_(std::move(log)) {
    for (const bool odf : {false, true}) {
        const auto& dir = odf ? options_.odf_dir : options_.lynx_dir;
        if (dir.empty() && !(odf ? options_.odf_listen.has_value() : options_.lynx_scoreboard.has_value()))
            continue;
        const std::string source = odf ? "odf" : "lynx";
        watched w;
        w.dir = dir;
        w.odf = odf;
        for (int r = 0; r < adapters::problem_reason_count; ++r)
            w.problems.push_back(&metrics.make_counter(
                "adapter_input_problems_total",
                "Lines or documents of a timing system's input skipped, by source and reason.",
                {{"source", source},
                 {"reason", adapters::to_string(static_cast<adapters::problem_reason>(r))}}));
        w.files_read = &metrics.make_counter("adapter_inputs_read_total",
                                             "Timing-system inputs read, by source.", {{"source", source}});
        w.messages =
            &metrics.make_counter("adapter_messages_total", "Feed v1 messages made by an adapter, by source.",
                                  {{"source", source}});
        folders_.push_back(std::move(w));
    }
}

std::optional<std::string> adapter_folders::prepare(const std::string& journal_path) {
    for (const auto& w : folders_)
        if (!w.dir.empty() && !std::filesystem::is_directory(w.dir))
            return std::string(w.odf ? "--odf-dir " : "--lynx-dir ") + w.dir + " is not a folder";
    if (!options_.meet_path.empty()) {
        auto loaded = adapters::load_meet_file(options_.meet_path);
        if (!loaded.meet) return loaded.error;
        meet_ = std::move(*loaded.meet);
    }
    output_ =
        std::make_unique<adapters::feed_output>(meet_.feed, meet_.feed + "-" + std::to_string(now_ms()));
    if (!journal_path.empty() && std::filesystem::exists(journal_path)) {
        // Everything the journal holds was sent, applied or refused: read it back.
        std::error_code ec;
        auto reader = replay::journal_reader::open(journal_path, {}, ec);
        if (!reader) return "cannot read journal " + journal_path + ": " + ec.message();
        ingest::frame_parser parser;
        replay::journal_record record;
        std::uint64_t recovered = 0;
        while (reader->next(record)) {
            if (record.kind != replay::record_kind::frame_applied &&
                record.kind != replay::record_kind::frame_received &&  // an ingest node on NATS
                record.kind != replay::record_kind::frame_rejected)
                continue;
            auto parsed = parser.parse(record.frame.bytes);
            if (!parsed.ok()) continue;
            output_->observe(parsed.message());
            ++recovered;
        }
        log_->info("adapters: {} messages already sent (journal {}), continuing after seq {}", recovered,
                   journal_path, output_->last_seq());
    }
    if (options_.odf_listen) {
        std::string error;
        auto on_document = [this](std::string body, std::string where) {
            return take_odf(std::move(body), std::move(where));
        };
        odf_listener_ = odf_listener::create(executor_, *options_.odf_listen, on_document, log_, error);
        if (!odf_listener_) return error;
    }
    if (options_.lynx_scoreboard) {
        std::string error;
        scoreboard_listener_ = scoreboard_listener::create(
            executor_, *options_.lynx_scoreboard,
            [this](int id, std::string_view bytes, const std::string& peer) {
                take_scoreboard(id, bytes, peer);
            },
            [this](int id) { scoreboards_.erase(id); }, log_, error);
        if (!scoreboard_listener_) return error;
    }
    lynx_ = std::make_unique<adapters::lynx_adapter>(meet_, *output_);
    odf_ = std::make_unique<adapters::odf_adapter>(
        meet_, *output_, adapters::odf_options{.max_document_bytes = options_.max_file_bytes});
    return std::nullopt;
}

void adapter_folders::start() {
    if (odf_listener_) odf_listener_->start();
    if (scoreboard_listener_) scoreboard_listener_->start();
    for (auto& w : folders_) {
        if (w.dir.empty()) continue;
        log_->info("{} folder: watching {} every {} ms", w.odf ? "odf" : "lynx", w.dir,
                   options_.poll_interval.count());
        scan(w);
    }
    arm();
}

void adapter_folders::stop() {
    stopped_ = true;
    timer_.cancel();
    if (odf_listener_) odf_listener_->stop();
    if (scoreboard_listener_) scoreboard_listener_->stop();
    scoreboards_.clear();
}

void adapter_folders::arm() {
    if (stopped_) return;
    timer_.expires_after(options_.poll_interval);
    timer_.async_wait([this](beast::error_code ec) { on_tick(ec); });
}

void adapter_folders::on_tick(beast::error_code ec) {
    if (ec || stopped_) return;
    for (auto& w : folders_)
        if (!w.dir.empty()) scan(w);
    arm();
}

void adapter_folders::scan(watched& w) {
    std::vector<adapters::file_stat> listing;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(w.dir, ec)) {
        const auto name = entry.path().filename().string();
        if (!is_input(name, w.odf) || !entry.is_regular_file(ec)) continue;
        const auto size = entry.file_size(ec);
        const auto mtime = entry.last_write_time(ec);
        if (ec) continue;
        listing.push_back({name, size, mtime.time_since_epoch().count()});
    }
    if (ec) log_->warn("folder {}: cannot list: {}", w.dir, ec.message());
    auto ready = w.stable.poll(listing);
    std::sort(ready.begin(), ready.end(), read_before);
    for (const auto& name : ready) read_file(w, name);
}

void adapter_folders::read_file(watched& w, const std::string& name) {
    const auto path = std::filesystem::path(w.dir) / name;
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return;
    if (size > options_.max_file_bytes) {
        w.problems[static_cast<std::size_t>(adapters::problem_reason::too_large)]->inc();
        log_->warn("{}: too_large: {} bytes, over the limit of {}: not read", path.string(), size,
                   options_.max_file_bytes);
        return;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    const auto bytes = text.str();
    if (!in || bytes.size() != size) {
        w.stable.forget(name);  // changed under us: read again once it settles
        return;
    }
    w.files_read->inc();
    keep_input(w.odf ? "odf-dir" : "lynx-dir", name, bytes);
    const auto ts = feed::format_iso_ms(now_ms());
    auto result = w.odf          ? odf_->on_document(bytes, name, ts)
                  : is_ppl(name) ? lynx_->on_ppl(bytes, name, ts)
                  : is_evt(name) ? lynx_->on_evt(bytes, name, ts)
                                 : lynx_->on_lif(bytes, name, ts);
    offer(w, w.odf ? adapter_line::odf : adapter_line::lynx_dir, result, name, bytes.size());
}

void adapter_folders::offer(watched& w, adapter_line line, const adapters::conversion& result,
                            const std::string& name, std::size_t bytes) {
    for (const auto& p : result.problems) {
        w.problems[static_cast<std::size_t>(p.reason)]->inc();
        log_->warn("{}", adapters::describe(p));
    }
    log_->info("{}: read {} ({} bytes): {} message(s), {} problem(s)", w.odf ? "odf" : "lynx", name, bytes,
               result.messages.size(), result.problems.size());
    for (const auto& m : result.messages) {
        w.messages->inc();
        ingest_.offer_local(adapters::to_feed_json(m), static_cast<std::size_t>(line));
    }
}

odf_outcome adapter_folders::take_odf(std::string bytes, std::string where) {
    auto& w = folders_.back();  // the odf one: listed last, present whenever --odf-listen is
    w.files_read->inc();
    keep_input("odf-listen", where, bytes);
    const auto result = odf_->on_document(bytes, where, feed::format_iso_ms(now_ms()));
    offer(w, adapter_line::odf, result, where, bytes.size());
    odf_outcome out{result.messages.size(), {}};
    if (result.messages.empty())
        for (const auto& p : result.problems)
            out.refused += (out.refused.empty() ? "" : "; ") + adapters::describe(p);
    return out;
}

void adapter_folders::take_scoreboard(int id, std::string_view bytes, const std::string& peer) {
    auto& w = folders_.front();  // the lynx one: listed first, present whenever --lynx-scoreboard is
    auto& parser = scoreboards_[id];
    if (!parser) parser = std::make_unique<adapters::lynx_scoreboard>(meet_, *output_);
    keep_input("lynx-scoreboard", peer, bytes);
    const auto result = parser->on_bytes(bytes, peer, feed::format_iso_ms(now_ms()));
    if (result.messages.empty() && result.problems.empty()) return;
    offer(w, adapter_line::lynx_scoreboard, result, peer, bytes.size());
}

std::optional<tcp::endpoint> adapter_folders::odf_endpoint() const {
    if (!odf_listener_) return std::nullopt;
    return odf_listener_->endpoint();
}

// The raw input, for audit, ahead of the frames made from it.
void adapter_folders::keep_input(std::string_view source, const std::string& name, std::string_view bytes) {
    if (!record_input_) return;
    record_input_({.wall_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count(),
                   .source = source,
                   .name = name,
                   .bytes = bytes});
}

}  // namespace splitstream::daemon
