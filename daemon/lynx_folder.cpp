#include "daemon/lynx_folder.hpp"

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

bool is_input(const std::string& name) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return lower == "lynx.evt" || (lower.size() > 4 && lower.compare(lower.size() - 4, 4, ".lif") == 0);
}

bool is_evt(const std::string& name) {
    return name.ends_with(".evt") || name.ends_with(".EVT");
}

// lynx.evt first (the start lists the LIFs need), then the LIFs by name.
bool read_before(const std::string& a, const std::string& b) {
    if (is_evt(a) != is_evt(b)) return is_evt(a);
    return a < b;
}

}  // namespace

lynx_folder::lynx_folder(net::any_io_executor executor, lynx_folder_options options,
                         ingest::feed_ingest& ingest, metrics_registry& metrics,
                         std::shared_ptr<spdlog::logger> log)
    : timer_(executor), options_(std::move(options)), ingest_(ingest), log_(std::move(log)) {
    for (int r = 0; r < adapters::problem_reason_count; ++r)
        problems_.push_back(&metrics.make_counter(
            "adapter_input_problems_total",
            "Lines or documents of a timing system's input skipped, by reason.",
            {{"source", "lynx"}, {"reason", adapters::to_string(static_cast<adapters::problem_reason>(r))}}));
    files_read_ = &metrics.make_counter("adapter_inputs_read_total", "Timing-system inputs read, by source.",
                                        {{"source", "lynx"}});
    messages_ = &metrics.make_counter(
        "adapter_messages_total", "Feed v1 messages made by an adapter, by source.", {{"source", "lynx"}});
}

std::optional<std::string> lynx_folder::prepare(const std::string& journal_path) {
    if (!std::filesystem::is_directory(options_.dir))
        return "--lynx-dir " + options_.dir + " is not a folder";
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
                record.kind != replay::record_kind::frame_rejected)
                continue;
            auto parsed = parser.parse(record.frame.bytes);
            if (!parsed.ok()) continue;
            output_->observe(parsed.message());
            ++recovered;
        }
        log_->info("lynx folder: {} messages already sent (journal {}), continuing after seq {}", recovered,
                   journal_path, output_->last_seq());
    }
    if (!journal_path.empty()) audit_path_ = journal_path + ".inputs";
    adapter_ = std::make_unique<adapters::lynx_adapter>(meet_, *output_);
    return std::nullopt;
}

void lynx_folder::start() {
    log_->info("lynx folder: watching {} every {} ms", options_.dir, options_.poll_interval.count());
    scan();
    arm();
}

void lynx_folder::stop() {
    stopped_ = true;
    timer_.cancel();
}

void lynx_folder::arm() {
    if (stopped_) return;
    timer_.expires_after(options_.poll_interval);
    timer_.async_wait([this](beast::error_code ec) { on_tick(ec); });
}

void lynx_folder::on_tick(beast::error_code ec) {
    if (ec || stopped_) return;
    scan();
    arm();
}

void lynx_folder::scan() {
    std::vector<adapters::file_stat> listing;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(options_.dir, ec)) {
        const auto name = entry.path().filename().string();
        if (!is_input(name) || !entry.is_regular_file(ec)) continue;
        const auto size = entry.file_size(ec);
        const auto mtime = entry.last_write_time(ec);
        if (ec) continue;
        listing.push_back({name, size, mtime.time_since_epoch().count()});
    }
    if (ec) log_->warn("lynx folder {}: cannot list: {}", options_.dir, ec.message());
    auto ready = stable_.poll(listing);
    std::sort(ready.begin(), ready.end(), read_before);
    for (const auto& name : ready) read_file(name);
}

void lynx_folder::read_file(const std::string& name) {
    const auto path = std::filesystem::path(options_.dir) / name;
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return;
    if (size > options_.max_file_bytes) {
        problems_[static_cast<std::size_t>(adapters::problem_reason::too_large)]->inc();
        log_->warn("{}: too_large: {} bytes, over the limit of {}: not read", path.string(), size,
                   options_.max_file_bytes);
        return;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    const auto bytes = text.str();
    if (!in || bytes.size() != size) {
        stable_.forget(name);  // changed under us: read again once it settles
        return;
    }
    files_read_->inc();
    audit(name, bytes);
    const auto ts = feed::format_iso_ms(now_ms());
    auto result = is_evt(name) ? adapter_->on_evt(bytes, name, ts) : adapter_->on_lif(bytes, name, ts);
    for (const auto& p : result.problems) {
        problems_[static_cast<std::size_t>(p.reason)]->inc();
        log_->warn("{}", adapters::describe(p));
    }
    log_->info("lynx folder: read {} ({} bytes): {} message(s), {} problem(s)", name, bytes.size(),
               result.messages.size(), result.problems.size());
    for (const auto& m : result.messages) {
        messages_->inc();
        ingest_.offer_local(adapters::to_feed_json(m));
    }
}

// The raw input, for audit: a header line, then the bytes as read.
void lynx_folder::audit(const std::string& name, const std::string& bytes) {
    if (audit_path_.empty()) return;
    std::ofstream out(audit_path_, std::ios::binary | std::ios::app);
    out << "=== " << feed::format_iso_ms(now_ms()) << " " << name << " " << bytes.size() << " bytes\n"
        << bytes << "\n";
    if (!out) log_->warn("cannot append to the input audit file {}", audit_path_.string());
}

}  // namespace splitstream::daemon
