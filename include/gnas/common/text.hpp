#pragma once

// Small text helpers shared by config, CSV and report code.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gnas {

/// The shortest decimal text that reads back as exactly `v` ("0.1", "15", "4e-04" stays "0.0004").
std::string format_number(double v);

/// Fixed-point text with `digits` decimals ("14.461696").
std::string format_fixed(double v, int digits);

/// Levenshtein distance (insertions, deletions, substitutions each cost 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// `s` cut at every `sep`; empty fields kept.
std::vector<std::string> split(std::string_view s, char sep);

/// `s` (spaces around it ignored) as a finite number. Throws DataError "<what> ('s'): must be a
/// number" otherwise.
double parse_double(std::string_view s, const std::string& what);

/// Whether `s` is well-formed UTF-8 (no stray continuation bytes, overlong forms, surrogates
/// or code points beyond U+10FFFF).
bool is_utf8(std::string_view s);

/// `s` without leading and trailing spaces, tabs, CR and LF.
std::string trim(std::string_view s);

/// The 64-bit FNV-1a hash of `bytes` as 16 lower-case hex digits: a cheap fingerprint of a
/// file's content or a text (not a cryptographic hash).
std::string content_hash(std::string_view bytes);

}  // namespace gnas
