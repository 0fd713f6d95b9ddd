#pragma once
// A strict little parser for the Prometheus text exposition format 0.0.4,
// so tests check /metrics by structure, not by substring.

#include <cmath>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace splitstream::publish::testing {

struct prometheus_sample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

struct prometheus_text {
    std::string error;  // empty when the whole text parsed
    std::vector<prometheus_sample> samples;
    std::map<std::string, std::string> types;  // family -> counter, gauge, ...

    std::string type_of(const std::string& family) const {
        auto it = types.find(family);
        return it == types.end() ? "" : it->second;
    }
    // The sample with exactly this name and label set; -1 when absent.
    double value(const std::string& name, const std::map<std::string, std::string>& labels) const {
        for (const auto& s : samples)
            if (s.name == name && s.labels == labels) return s.value;
        return -1;
    }
};

namespace detail {

inline bool name_char(char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           (!first && c >= '0' && c <= '9');
}

inline std::string read_name(std::string_view& s) {
    std::size_t i = 0;
    while (i < s.size() && name_char(s[i], i == 0)) ++i;
    std::string out(s.substr(0, i));
    s.remove_prefix(i);
    return out;
}

inline bool parse_value(std::string_view s, double& out) {
    if (s == "+Inf") return out = INFINITY, true;
    if (s == "-Inf") return out = -INFINITY, true;
    if (s == "NaN") return out = NAN, true;
    std::string tmp(s);
    char* end = nullptr;
    out = std::strtod(tmp.c_str(), &end);
    return !tmp.empty() && end == tmp.c_str() + tmp.size();
}

// The family a sample belongs to (histogram/summary suffixes removed).
inline std::string family_of(const std::string& name, const std::map<std::string, std::string>& types) {
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        std::string_view n = name;
        std::string_view sfx = suffix;
        if (n.size() > sfx.size() && n.substr(n.size() - sfx.size()) == sfx) {
            std::string base(n.substr(0, n.size() - sfx.size()));
            auto it = types.find(base);
            if (it != types.end() && (it->second == "histogram" || it->second == "summary")) return base;
        }
    }
    return name;
}

}  // namespace detail

inline prometheus_text parse_prometheus_text(std::string_view text) {
    prometheus_text out;
    int line_no = 0;
    auto fail = [&](const std::string& why) {
        out.error = "line " + std::to_string(line_no) + ": " + why;
        return out;
    };
    while (!text.empty()) {
        ++line_no;
        const auto nl = text.find('\n');
        if (nl == std::string_view::npos) return fail("text must end with a newline");
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl + 1);
        if (line.empty()) continue;
        if (line.front() == '#') {
            if (line.starts_with("# TYPE ")) {
                std::string_view rest = line.substr(7);
                auto name = detail::read_name(rest);
                if (name.empty() || rest.empty() || rest.front() != ' ') return fail("bad TYPE line");
                rest.remove_prefix(1);
                if (rest != "counter" && rest != "gauge" && rest != "histogram" && rest != "summary" &&
                    rest != "untyped")
                    return fail("unknown type " + std::string(rest));
                if (out.types.count(name)) return fail("second TYPE for " + name);
                for (const auto& s : out.samples)
                    if (detail::family_of(s.name, out.types) == name)
                        return fail("TYPE after samples of " + name);
                out.types[name] = std::string(rest);
            } else if (line.starts_with("# HELP ")) {
                std::string_view rest = line.substr(7);
                if (detail::read_name(rest).empty()) return fail("bad HELP line");
            }
            continue;
        }
        prometheus_sample s;
        s.name = detail::read_name(line);
        if (s.name.empty()) return fail("sample without a metric name");
        if (!line.empty() && line.front() == '{') {
            line.remove_prefix(1);
            while (true) {
                if (!line.empty() && line.front() == '}') {
                    line.remove_prefix(1);
                    break;
                }
                auto key = detail::read_name(line);
                if (key.empty() || line.size() < 2 || line[0] != '=' || line[1] != '"')
                    return fail("bad label");
                line.remove_prefix(2);
                std::string value;
                while (true) {
                    if (line.empty()) return fail("unterminated label value");
                    char c = line.front();
                    line.remove_prefix(1);
                    if (c == '"') break;
                    if (c == '\\') {
                        if (line.empty()) return fail("bad escape");
                        char e = line.front();
                        line.remove_prefix(1);
                        if (e == 'n')
                            value.push_back('\n');
                        else if (e == '\\' || e == '"')
                            value.push_back(e);
                        else
                            return fail("bad escape");
                    } else {
                        value.push_back(c);
                    }
                }
                if (s.labels.count(key)) return fail("label twice: " + key);
                s.labels[key] = value;
                if (!line.empty() && line.front() == ',') line.remove_prefix(1);
            }
        }
        if (line.empty() || line.front() != ' ') return fail("missing value for " + s.name);
        line.remove_prefix(1);
        const auto sp = line.find(' ');
        if (!detail::parse_value(line.substr(0, sp), s.value)) return fail("bad value for " + s.name);
        out.samples.push_back(std::move(s));
    }
    // Histograms: buckets cumulative, +Inf present and equal to _count.
    for (const auto& [family, type] : out.types) {
        if (type != "histogram") continue;
        std::map<std::map<std::string, std::string>, std::vector<std::pair<double, double>>> series;
        for (const auto& s : out.samples) {
            if (s.name != family + "_bucket") continue;
            auto labels = s.labels;
            auto le = labels.find("le");
            if (le == labels.end()) return fail("bucket without le in " + family);
            double bound = 0;
            if (!detail::parse_value(le->second, bound)) return fail("bad le in " + family);
            labels.erase(le);
            series[labels].emplace_back(bound, s.value);
        }
        for (const auto& [labels, buckets] : series) {
            for (std::size_t i = 1; i < buckets.size(); ++i)
                if (buckets[i].first <= buckets[i - 1].first || buckets[i].second < buckets[i - 1].second)
                    return fail("buckets not cumulative in " + family);
            if (buckets.empty() || !std::isinf(buckets.back().first))
                return fail("no +Inf bucket in " + family);
            if (out.value(family + "_count", labels) != buckets.back().second)
                return fail("_count differs from +Inf bucket in " + family);
        }
    }
    return out;
}

}  // namespace splitstream::publish::testing
