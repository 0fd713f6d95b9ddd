#include "adapters/feed_output.hpp"

#include <variant>

#include "adapters/feed_json.hpp"

namespace splitstream::adapters {

std::string startlist_body_json(const feed::startlist_msg& m) {
    feed::feed_message msg;
    msg.body = m;
    return to_feed_json(msg);
}

feed_output::feed_output(std::string feed, std::string epoch)
    : feed_(std::move(feed)), epoch_(std::move(epoch)) {}

const sent_event* feed_output::find(std::string_view event) const {
    auto it = events_.find(event);
    return it == events_.end() ? nullptr : &it->second;
}

void feed_output::emit(feed::feed_message msg, std::string_view ts, std::vector<feed::feed_message>& out) {
    if (!hello_sent_) {
        feed::feed_message hello;
        hello.seq = last_seq_ + 1;
        hello.ts = std::string(ts);
        hello.body = feed::hello_msg{feed_, epoch_};
        observe(hello);
        out.push_back(std::move(hello));
    }
    msg.seq = last_seq_ + 1;
    msg.ts = std::string(ts);
    observe(msg);
    out.push_back(std::move(msg));
}

void feed_output::observe(const feed::feed_message& msg) {
    if (msg.seq > last_seq_) last_seq_ = msg.seq;
    if (const auto* hello = std::get_if<feed::hello_msg>(&msg.body)) {
        hello_sent_ = true;
        epoch_ = hello->epoch;
        return;
    }
    if (msg.event.empty()) return;
    auto& ev = events_[msg.event];
    if (const auto* sl = std::get_if<feed::startlist_msg>(&msg.body)) {
        ev.startlist = *sl;
        ev.startlist_json = startlist_body_json(*sl);
        ev.athletes.clear();
        for (const auto& a : sl->athletes) ev.athletes[a.bib] = {};
    } else if (const auto* st = std::get_if<feed::status_msg>(&msg.body)) {
        switch (st->status) {
            case feed::status_code::started:
                ev.phase = sent_phase::started;
                break;
            case feed::status_code::recalled:
            case feed::status_code::cancelled:
                ev.phase = sent_phase::scheduled;
                for (auto& [bib, a] : ev.athletes) a = {};
                break;
            case feed::status_code::unofficial:
                ev.phase = sent_phase::unofficial;
                break;
            case feed::status_code::official:
                ev.phase = sent_phase::official;
                break;
        }
    } else if (const auto* sp = std::get_if<feed::split_msg>(&msg.body)) {
        ev.athletes[sp->bib].splits[sp->distance_m] = sp->elapsed_ms;
    } else if (const auto* fi = std::get_if<feed::finish_msg>(&msg.body)) {
        auto& a = ev.athletes[fi->bib];
        a.finish_ms = fi->elapsed_ms;
        a.place = fi->place;
    } else if (const auto* irm = std::get_if<feed::irm_msg>(&msg.body)) {
        auto& a = ev.athletes[irm->bib];
        a.status = irm->code;
        a.rule = irm->code == feed::irm_code::ok ? std::string() : irm->rule;
    }
}

}  // namespace splitstream::adapters
