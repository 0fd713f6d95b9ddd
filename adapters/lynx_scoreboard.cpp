#include "adapters/lynx_scoreboard.hpp"

#include "adapters/heat_results.hpp"
#include "adapters/lynx_text.hpp"
#include "adapters/text_encoding.hpp"
#include "feed/iso_time.hpp"

namespace splitstream::adapters {

namespace {

constexpr char separator = '\x1f';

}  // namespace

lynx_scoreboard::lynx_scoreboard(const meet_file& meet, feed_output& output) : meet_(meet), output_(output) {}

std::string lynx_scoreboard::event_id() const {
    if (const auto* me = meet_.by_lynx(event_, round_, heat_)) return me->id;
    return "lynx-" + std::to_string(event_) + "-" + std::to_string(round_) + "-" + std::to_string(heat_);
}

conversion lynx_scoreboard::on_bytes(std::string_view bytes, std::string_view where, std::string_view ts) {
    conversion out;
    std::vector<problem> found;
    const std::string name(where);
    for (char c : bytes) {
        if (c == '\n' || c == '\r') {
            if (overlong_) {
                found.push_back({problem_reason::malformed_line, name + ":" + std::to_string(line_no_ + 1),
                                 "a line over " + std::to_string(max_line_bytes) + " bytes: skipped"});
                ++line_no_;
            } else if (!pending_.empty()) {
                ++line_no_;
                on_line(pending_, name, ts, out, found);
            }
            pending_.clear();
            overlong_ = false;
        } else if (pending_.size() < max_line_bytes) {
            pending_ += c;
        } else {
            overlong_ = true;
        }
    }
    for (auto& p : found) {
        counts_.add(p.reason);
        out.problems.push_back(std::move(p));
    }
    return out;
}

void lynx_scoreboard::on_line(std::string_view raw, const std::string& where, std::string_view ts,
                              conversion& out, std::vector<problem>& found) {
    const auto text = to_utf8(raw);
    const std::string here = where + ":" + std::to_string(line_no_);
    const auto first = text.find(separator);
    const auto second = first == std::string::npos ? std::string::npos : text.find(separator, first + 1);
    if (text.compare(0, first, "SS1") != 0 || second == std::string::npos) {
        found.push_back(
            {problem_reason::malformed_line, here, "not a line of splitstream.lss (SS1, field, value)"});
        return;
    }
    const auto field = text.substr(first + 1, second - first - 1);
    auto value = text.substr(second + 1);
    while (!value.empty() && value.back() == ' ') value.pop_back();
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);

    if (field == "GUN") {
        const auto* sent = output_.find(event_id());
        if (!sent || !sent->startlist) {
            found.push_back({problem_reason::no_start_list, here,
                             "a gun for " + event_id() + ", which has no start list"});
            return;
        }
        if (sent->phase != sent_phase::scheduled) return;
        heat_results now;
        now.event = event_id();
        now.started = true;
        now.gun_ts = std::string(ts);
        for (auto& m : diff_results(sent, now)) output_.emit(std::move(m), ts, out.messages);
    } else if (field == "STATUS") {
        status_ = value;
        results_.clear();
        current_.reset();
    } else if (field == "EVENT" || field == "ROUND" || field == "HEAT") {
        auto n = value.empty() && field != "EVENT" ? std::optional<int>(1) : parse_lynx_int(value);
        if (!n) {
            found.push_back({problem_reason::bad_value, here, field + " \"" + value + "\" is not a number"});
            return;
        }
        (field == "EVENT" ? event_ : field == "ROUND" ? round_ : heat_) = *n;
    } else if (field == "PLACE") {
        current_ = result_line{value, {}, {}, {}, {}, line_no_};
    } else if (field == "ID" || field == "TIME" || field == "SPLIT" || field == "LAPS") {
        if (!current_) {
            found.push_back({problem_reason::malformed_line, here,
                             field + " outside a result line (no PLACE before it)"});
            return;
        }
        (field == "ID"      ? current_->id
         : field == "TIME"  ? current_->time
         : field == "SPLIT" ? current_->split
                            : current_->laps) = value;
    } else if (field == "END") {
        if (current_) results_.push_back(std::move(*current_));
        current_.reset();
    } else if (field == "DONE") {
        finish_block(where, ts, out, found);
    } else {
        found.push_back({problem_reason::malformed_line, here, "unknown field \"" + field + "\""});
    }
}

void lynx_scoreboard::finish_block(const std::string& where, std::string_view ts, conversion& out,
                                   std::vector<problem>& found) {
    const auto id = event_id();
    const auto* sent = output_.find(id);
    auto here = [&](int line) { return where + ":" + std::to_string(line); };
    if (!sent || !sent->startlist) {
        found.push_back({problem_reason::no_start_list, here(line_no_),
                         "results for " + id + ", which has no start list"});
        results_.clear();
        return;
    }
    const auto* me = meet_.by_lynx(event_, round_, heat_);
    heat_results now;
    now.event = id;
    for (const auto& r : results_) {
        if (!sent->has_bib(r.id)) {
            found.push_back({problem_reason::unknown_bib, here(r.line),
                             "ID " + r.id + " is not in the start list of " + id});
            continue;
        }
        athlete_outcome o;
        o.bib = r.id;
        if (auto p = parse_lynx_int(r.place); p && *p > 0 && !r.time.empty()) {
            o.place = p;
            o.elapsed_ms = parse_lynx_time(r.time);
            if (!o.elapsed_ms) {
                found.push_back({problem_reason::bad_time, here(r.line),
                                 "time \"" + r.time + "\" of ID " + r.id + " does not read"});
                continue;
            }
            now.outcomes.push_back(std::move(o));
        } else if (r.place == "DNS" || r.place == "DNF" || r.place.find('Q') != std::string::npos) {
            o.irm = r.place == "DNS"   ? feed::irm_code::dns
                    : r.place == "DNF" ? feed::irm_code::dnf
                                       : feed::irm_code::dq;
            now.outcomes.push_back(std::move(o));
        } else if (!r.split.empty() && !r.laps.empty()) {
            const auto split = parse_lynx_time(r.split);
            const auto laps = parse_lynx_int(r.laps);
            if (!split || !laps) {
                found.push_back({problem_reason::bad_time, here(r.line),
                                 "split \"" + r.split + "\" or laps to go \"" + r.laps + "\" of ID " + r.id +
                                     " does not read"});
                continue;
            }
            if (!me || me->lap_m <= 0) {
                found.push_back({problem_reason::bad_value, here(r.line),
                                 "a split with laps to go for " + id +
                                     ", whose lap length is unknown: set lap_m in the meet file"});
                continue;
            }
            const auto distance = sent->startlist->distance_m - *laps * me->lap_m;
            if (distance > 0 && distance < sent->startlist->distance_m)
                now.splits.push_back({r.id, distance, *split});
        } else if (!r.place.empty() && !parse_lynx_int(r.place)) {
            found.push_back({problem_reason::unknown_place, here(r.line),
                             "place \"" + r.place + "\" is neither a number nor DNS, DNF or DQ"});
        }
    }
    if (status_ == "OFFICIAL") now.status = results_status::official;
    if (status_ == "UNOFFICIAL") now.status = results_status::unofficial;
    for (auto& m : diff_results(sent, now)) output_.emit(std::move(m), ts, out.messages);
    results_.clear();
}

}  // namespace splitstream::adapters
