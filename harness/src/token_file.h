#pragma once
// Long replay tokens. Linux refuses an environment value over 128 KiB
// (E2BIG), and a failure after a few hundred thousand choices has a token
// that long, so the printed command could not run. A token over
// kLongToken characters is written to a file and the command names it as
// WEFT_REPLAY=@<path>; weft::replay reads "@<path>" wherever it takes a
// token. See docs/replaying.md.

#include <cstddef>
#include <string>
#include <string_view>

namespace weft::detail {

// kLongToken is the longest token a printed command carries itself.
inline constexpr std::size_t kLongToken = 64 * 1024;

// replay_variable is the WEFT_REPLAY assignment of a printed replay
// command: "WEFT_REPLAY=<token>", or, for a token over kLongToken
// characters, "WEFT_REPLAY=@<path>" after writing the token to <path>: a
// file named after the token's hash in the current directory, or in
// $TMPDIR (else /tmp) when the current directory is not writable. Only
// system calls write the file, so a signal handler may call it.
std::string replay_variable(const std::string& token);

// replace_file writes `text` to `path` through a temporary file beside it
// (<path>.<pid>.tmp) renamed into place, so that a reader, or a process
// killed half-way, sees the old file or the new one, never a part. Only
// system calls write it, so a signal handler may call it. False when it
// could not (the old file, if any, is then untouched).
bool replace_file(const std::string& path, const std::string& text);

// text_hash is a 64-bit FNV-1a hash of `text` in 16 hex digits: a name
// that is the same for the same text.
std::string text_hash(std::string_view text);

// read_token gives the token `text` stands for: `text` itself, or the
// contents of the file <path> when `text` is "@<path>". It returns false
// with a sentence in `error` when that file cannot be read.
bool read_token(std::string_view text, std::string& token, std::string& error);

}  // namespace weft::detail
