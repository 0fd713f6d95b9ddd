#pragma once
// The baseline the pipeline is measured against: simdjson On-Demand over a
// feed line, every key and value read and nothing kept, as a consumer that
// uses all of the frame would. Shared by pipeline_bench and
// bare_parse_file so that both baselines do the same work.

#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <string_view>

namespace splitstream::bench {

namespace ondemand = simdjson::ondemand;

// Reads every value under `v`.
inline simdjson::error_code touch(ondemand::value v) {
    ondemand::json_type t;
    if (auto e = v.type().get(t)) return e;
    switch (t) {
        case ondemand::json_type::object: {
            ondemand::object obj;
            if (auto e = v.get_object().get(obj)) return e;
            for (auto field : obj) {
                std::string_view key;
                if (auto e = field.unescaped_key().get(key)) return e;
                benchmark::DoNotOptimize(key);
                if (auto e = touch(field.value())) return e;
            }
            return simdjson::SUCCESS;
        }
        case ondemand::json_type::array: {
            ondemand::array arr;
            if (auto e = v.get_array().get(arr)) return e;
            for (auto element : arr) {
                ondemand::value ev;
                if (auto e = element.get(ev)) return e;
                if (auto e = touch(ev)) return e;
            }
            return simdjson::SUCCESS;
        }
        case ondemand::json_type::number: {
            ondemand::number n;
            if (auto e = v.get_number().get(n)) return e;
            benchmark::DoNotOptimize(n);
            return simdjson::SUCCESS;
        }
        case ondemand::json_type::string: {
            std::string_view s;
            if (auto e = v.get_string().get(s)) return e;
            benchmark::DoNotOptimize(s);
            return simdjson::SUCCESS;
        }
        case ondemand::json_type::boolean: {
            bool b = false;
            if (auto e = v.get_bool().get(b)) return e;
            benchmark::DoNotOptimize(b);
            return simdjson::SUCCESS;
        }
        case ondemand::json_type::null:
            return simdjson::SUCCESS;
    }
    return simdjson::SUCCESS;
}

// One line, already followed by SIMDJSON_PADDING readable bytes (`capacity`
// counts them): true when it is a JSON object whose every value was read.
inline bool bare_parse_line(ondemand::parser& parser, const char* line, std::size_t length,
                            std::size_t capacity) {
    ondemand::document doc;
    ondemand::object obj;
    if (parser.iterate(line, length, capacity).get(doc) || doc.get_object().get(obj)) return false;
    bool ok = true;
    for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key) || touch(field.value())) ok = false;
    }
    return ok;
}

}  // namespace splitstream::bench
