#include "base/metrics.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace splitstream {

histogram::histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
    for (std::size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0);
}

void histogram::observe(double v) {
    std::size_t i = 0;
    while (i < bounds_.size() && v > bounds_[i]) ++i;
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    if (v > 0)
        sum_micro_.fetch_add(static_cast<std::uint64_t>(std::llround(v * 1e6)), std::memory_order_relaxed);
}

double histogram::sum() const {
    return static_cast<double>(sum_micro_.load(std::memory_order_relaxed)) / 1e6;
}

std::size_t metrics_registry::family_index(const std::string& name, const std::string& help, kind type) {
    for (std::size_t i = 0; i < families_.size(); ++i) {
        if (families_[i].name == name) {
            if (families_[i].type != type)
                throw std::logic_error("metric " + name + " registered twice with different types");
            return i;
        }
    }
    families_.push_back({name, help, type});
    return families_.size() - 1;
}

metrics_registry::entry* metrics_registry::find(std::size_t family, const metric_labels& labels) {
    for (auto& e : entries_)
        if (e.family == family && e.labels == labels) return &e;
    return nullptr;
}

counter& metrics_registry::make_counter(const std::string& name, const std::string& help,
                                        metric_labels labels) {
    std::lock_guard lock(mutex_);
    auto f = family_index(name, help, kind::counter);
    if (auto* e = find(f, labels)) return *e->c;
    auto& c = counters_.emplace_back();
    entries_.push_back({f, std::move(labels), &c, nullptr, nullptr});
    return c;
}

gauge& metrics_registry::make_gauge(const std::string& name, const std::string& help, metric_labels labels) {
    std::lock_guard lock(mutex_);
    auto f = family_index(name, help, kind::gauge);
    if (auto* e = find(f, labels)) return *e->g;
    auto& g = gauges_.emplace_back();
    entries_.push_back({f, std::move(labels), nullptr, &g, nullptr});
    return g;
}

histogram& metrics_registry::make_histogram(const std::string& name, const std::string& help,
                                            std::vector<double> bounds, metric_labels labels) {
    std::lock_guard lock(mutex_);
    auto f = family_index(name, help, kind::histogram);
    if (auto* e = find(f, labels)) return *e->h;
    auto& h = histograms_.emplace_back(std::move(bounds));
    entries_.push_back({f, std::move(labels), nullptr, nullptr, &h});
    return h;
}

namespace {

void append_escaped(std::string& out, const std::string& v) {
    for (char c : v) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
}

void append_labels(std::string& out, const metric_labels& labels, const char* extra_key = nullptr,
                   const std::string& extra_value = {}) {
    if (labels.empty() && !extra_key) return;
    out += '{';
    bool first = true;
    for (const auto& [k, v] : labels) {
        if (!first) out += ',';
        first = false;
        out += k;
        out += "=\"";
        append_escaped(out, v);
        out += '"';
    }
    if (extra_key) {
        if (!first) out += ',';
        out += extra_key;
        out += "=\"";
        out += extra_value;
        out += '"';
    }
    out += '}';
}

std::string format_double(double v) {
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

}  // namespace

std::string metrics_registry::render() const {
    std::lock_guard lock(mutex_);
    std::string out;
    out.reserve(4096);
    for (std::size_t f = 0; f < families_.size(); ++f) {
        const auto& fam = families_[f];
        out += "# HELP " + fam.name + ' ' + fam.help + '\n';
        out += "# TYPE " + fam.name + ' ';
        out += fam.type == kind::counter ? "counter\n" : fam.type == kind::gauge ? "gauge\n" : "histogram\n";
        for (const auto& e : entries_) {
            if (e.family != f) continue;
            if (e.c || e.g) {
                out += fam.name;
                append_labels(out, e.labels);
                out += ' ';
                out += e.c ? std::to_string(e.c->value()) : std::to_string(e.g->value());
                out += '\n';
                continue;
            }
            std::uint64_t cumulative = 0;
            for (std::size_t i = 0; i <= e.h->bounds().size(); ++i) {
                cumulative += e.h->bucket(i);
                out += fam.name + "_bucket";
                append_labels(out, e.labels, "le",
                              i < e.h->bounds().size() ? format_double(e.h->bounds()[i]) : "+Inf");
                out += ' ' + std::to_string(cumulative) + '\n';
            }
            out += fam.name + "_sum";
            append_labels(out, e.labels);
            out += ' ' + format_double(e.h->sum()) + '\n';
            out += fam.name + "_count";
            append_labels(out, e.labels);
            out += ' ' + std::to_string(e.h->count()) + '\n';
        }
    }
    return out;
}

}  // namespace splitstream
