#pragma once
// A small Prometheus registry. Counters and gauges are atomics so any thread
// may bump them; registration happens at startup, on one thread. `render()`
// writes the text exposition format (version 0.0.4).

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace splitstream {

using metric_labels = std::vector<std::pair<std::string, std::string>>;

class counter {
public:
    void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

class gauge {
public:
    void set(std::int64_t v) { value_.store(v, std::memory_order_relaxed); }
    void add(std::int64_t d) { value_.fetch_add(d, std::memory_order_relaxed); }
    std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::int64_t> value_{0};
};

// Fixed buckets (upper bounds, in the metric's unit, ascending).
class histogram {
public:
    explicit histogram(std::vector<double> bounds);
    void observe(double v);
    const std::vector<double>& bounds() const { return bounds_; }
    std::uint64_t bucket(std::size_t i) const { return counts_[i].load(std::memory_order_relaxed); }
    std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
    double sum() const;

private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
    std::atomic<std::uint64_t> count_{0};
    std::atomic<std::uint64_t> sum_micro_{0};  // sum * 1e6, to stay lock-free
};

class metrics_registry {
public:
    // The same name + labels returns the same metric. References stay valid
    // for the registry's lifetime.
    counter& make_counter(const std::string& name, const std::string& help, metric_labels labels = {});
    gauge& make_gauge(const std::string& name, const std::string& help, metric_labels labels = {});
    histogram& make_histogram(const std::string& name, const std::string& help, std::vector<double> bounds,
                              metric_labels labels = {});

    std::string render() const;

private:
    enum class kind { counter, gauge, histogram };
    struct family {
        std::string name;
        std::string help;
        kind type;
    };
    struct entry {
        std::size_t family;
        metric_labels labels;
        counter* c = nullptr;
        gauge* g = nullptr;
        histogram* h = nullptr;
    };
    std::size_t family_index(const std::string& name, const std::string& help, kind type);
    entry* find(std::size_t family, const metric_labels& labels);

    mutable std::mutex mutex_;
    std::vector<family> families_;
    std::vector<entry> entries_;
    std::deque<counter> counters_;
    std::deque<gauge> gauges_;
    std::deque<histogram> histograms_;
};

}  // namespace splitstream
