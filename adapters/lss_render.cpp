#include "adapters/lss_render.hpp"

#include <algorithm>
#include <map>

#include "adapters/feed_output.hpp"
#include "adapters/lynx_render.hpp"
#include "adapters/meet_render.hpp"

namespace splitstream::adapters {

namespace {

std::string line(const char* field, const std::string& value) {
    return std::string("SS1\x1f") + field + "\x1f" + value + "\r\n";
}

std::string header(int number, const std::string& status) {
    return line("STATUS", status) + line("EVENT", std::to_string(number)) + line("ROUND", "1") +
           line("HEAT", "1");
}

std::string result_line(const std::string& place, const std::string& id, const std::string& time,
                        const std::string& split, const std::string& laps) {
    return line("PLACE", place) + line("ID", id) + line("TIME", time) + line("SPLIT", split) +
           line("LAPS", laps) + line("END", id);
}

// The lines of every athlete placed (by time, then the judges' place) or out.
std::string results_lines(const sent_event& ev) {
    std::vector<std::pair<const std::string*, const sent_athlete*>> placed;
    std::string out_lines;
    for (const auto& a : ev.startlist->athletes) {
        const auto& s = ev.athletes.at(a.bib);
        if (s.status != feed::irm_code::ok)
            out_lines += result_line(feed::to_string(s.status), a.bib, "", "", "");
        else if (s.finish_ms)
            placed.push_back({&a.bib, &s});
    }
    std::stable_sort(placed.begin(), placed.end(), [](const auto& x, const auto& y) {
        return std::pair(*x.second->finish_ms, x.second->place.value_or(0)) <
               std::pair(*y.second->finish_ms, y.second->place.value_or(0));
    });
    std::string lines;
    int place = 0;
    for (const auto& [bib, s] : placed)
        lines += result_line(std::to_string(++place), *bib, exact_time(*s->finish_ms), "", "");
    return lines + out_lines;
}

bool has_irm(const sent_event& ev) {
    return std::any_of(ev.athletes.begin(), ev.athletes.end(),
                       [](const auto& a) { return a.second.status != feed::irm_code::ok; });
}

const char* status_of(sent_phase phase) {
    switch (phase) {
        case sent_phase::scheduled:
        case sent_phase::started:
            return "";
        case sent_phase::unofficial:
            return "UNOFFICIAL";
        case sent_phase::official:
            return "OFFICIAL";
    }
    return "";
}

}  // namespace

lss_session render_lss(const std::vector<feed::feed_message>& session, const std::string& feed) {
    lss_session out;
    const auto events = session_events(session);
    std::map<std::string, int> number;
    for (std::size_t i = 0; i < events.size(); ++i) number[events[i].id] = static_cast<int>(i) + 1;
    out.lynx_evt = render_lynx(session, feed).front().text;
    out.meet_toml = render_meet_file(feed, events, [&](std::size_t i) {
        const bool track = events[i].startlist.course == feed::venue::track;
        return meet_keys{.lynx = std::to_string(i + 1) + "-1-1", .odf = {}, .lap_m = track ? lss_lap_m : 0};
    });

    feed_output state(feed, feed);
    for (const auto& m : session) {
        const auto before = state.find(m.event);
        const auto phase_before = before ? before->phase : sent_phase::scheduled;
        state.observe(m);
        const auto* ev = state.find(m.event);
        if (!ev || !ev->startlist) continue;
        const int n = number[m.event];
        std::string bytes;
        switch (m.type()) {
            case feed::message_type::hello:
            case feed::message_type::heartbeat:
            case feed::message_type::startlist:
            case feed::message_type::reaction:  // the scoreboard output has no reaction times
                break;
            case feed::message_type::status:
                switch (std::get<feed::status_msg>(m.body).status) {
                    case feed::status_code::started:
                        bytes = header(n, "") + line("GUN", "0.0");
                        if (has_irm(*ev)) bytes += header(n, "") + results_lines(*ev) + line("DONE", "");
                        break;
                    case feed::status_code::recalled:
                    case feed::status_code::cancelled:
                        break;  // the scoreboard output has no way to say so
                    case feed::status_code::unofficial:
                    case feed::status_code::official:
                        bytes = header(n, status_of(ev->phase)) + results_lines(*ev) +
                                line("DONE", status_of(ev->phase));
                        break;
                }
                break;
            case feed::message_type::split: {
                const auto& s = std::get<feed::split_msg>(m.body);
                const auto distance = ev->startlist->distance_m;
                if (ev->startlist->course != feed::venue::track || s.distance_m <= 0 ||
                    s.distance_m >= distance || (distance - s.distance_m) % lss_lap_m != 0)
                    break;
                std::vector<std::pair<std::int64_t, std::string>> passed;
                for (const auto& a : ev->startlist->athletes) {
                    const auto& splits = ev->athletes.at(a.bib).splits;
                    if (auto it = splits.find(s.distance_m); it != splits.end())
                        passed.push_back({it->second, a.bib});
                }
                std::stable_sort(passed.begin(), passed.end());
                bytes = header(n, "");
                const auto laps = std::to_string((distance - s.distance_m) / lss_lap_m);
                for (const auto& [ms, bib] : passed) bytes += result_line("", bib, "", exact_time(ms), laps);
                bytes += line("DONE", "");
                break;
            }
            case feed::message_type::finish:
            case feed::message_type::irm:
                if (phase_before == sent_phase::scheduled) break;  // goes out with the gun
                bytes =
                    header(n, status_of(ev->phase)) + results_lines(*ev) + line("DONE", status_of(ev->phase));
                break;
            case feed::message_type::card:
            case feed::message_type::penalty_zone:
                break;  // LSS has no race walking judging
        }
        if (!bytes.empty()) out.stream.push_back({m.ts, std::move(bytes)});
    }
    return out;
}

}  // namespace splitstream::adapters
