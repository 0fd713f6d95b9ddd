#pragma once
// The binary encoding of an engine snapshot (engine::save): little-endian
// fixed-width integers, strings and lists prefixed by their length. The
// reader never trusts a length: a list longer than the bytes left, a value
// out of its range or a read past the end fails the whole read, with the
// first reason kept. Pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feed/message.hpp"
#include "feed/round_qualification.hpp"
#include "feed/walk_rules.hpp"

namespace splitstream::feed {

class state_writer {
public:
    explicit state_writer(std::string& out) : out_(out) {}

    void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
    void flag(bool v) { u8(v ? 1 : 0); }
    void u64(std::uint64_t v);
    void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
    void str(std::string_view s);
    template <class E>
    void enumerator(E e) {
        u8(static_cast<std::uint8_t>(e));
    }
    template <class T>
    void opt_i64(const std::optional<T>& v) {
        flag(v.has_value());
        if (v) i64(*v);
    }

private:
    std::string& out_;
};

class state_reader {
public:
    explicit state_reader(std::string_view in) : in_(in) {}

    std::uint8_t u8();
    bool flag();
    std::uint64_t u64();
    std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
    std::string str();
    // An int that must lie in [lo, hi].
    int small_int(int lo, int hi, const char* what);
    // A list length, each element taking at least `min_bytes`.
    std::size_t count(std::size_t min_bytes, const char* what);
    // An enumerator numbered 0..last.
    template <class E>
    E enumerator(E last, const char* what) {
        const auto v = u8();
        if (v > static_cast<std::uint8_t>(last)) fail(std::string(what) + " out of range");
        return ok() ? static_cast<E>(v) : last;
    }
    std::optional<std::int64_t> opt_i64() {
        if (!flag()) return std::nullopt;
        return i64();
    }
    std::optional<int> opt_int(int lo, int hi, const char* what) {
        if (!flag()) return std::nullopt;
        return small_int(lo, hi, what);
    }

    void fail(std::string reason);
    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }
    std::size_t left() const { return in_.size(); }

private:
    std::string_view take(std::size_t n);

    std::string_view in_;
    std::string error_;
};

// The parts of a snapshot that are feed messages or rule outcomes.
void write_startlist(state_writer& w, const startlist_msg& m);
startlist_msg read_startlist(state_reader& r);
void write_walk(state_writer& w, const walk_record& walk);
walk_record read_walk(state_reader& r);
void write_qualification(state_writer& w, const qualification& q);
qualification read_qualification(state_reader& r);

}  // namespace splitstream::feed
