#include "token_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace weft::detail {

namespace {
std::string hex64(std::uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = kDigits[v & 15];
  return out;
}

// file_name is the same for the same token, so a failure found again
// rewrites its file instead of adding one.
std::string file_name(const std::string& token) { return "weft-token-" + text_hash(token) + ".txt"; }

bool write_all(int fd, const std::string& text) {
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}


std::string current_directory() {
  char buffer[4096];
  return ::getcwd(buffer, sizeof buffer) ? std::string(buffer) : std::string();
}

// shell_word quotes `word` for a POSIX shell when it holds anything but
// characters that are safe unquoted.
std::string shell_word(const std::string& word) {
  bool safe = true;
  for (char c : word)
    safe = safe && (std::strchr("@%+=:,./-_", c) || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
                    (c >= 'a' && c <= 'z'));
  if (safe) return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}
}  // namespace

std::string text_hash(std::string_view text) {
  std::uint64_t h = 1469598103934665603u;  // FNV-1a
  for (char c : text) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211u;
  return hex64(h);
}

bool replace_file(const std::string& path, const std::string& text) {
  const std::string temporary = path + "." + std::to_string(::getpid()) + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  const bool written = write_all(fd, text);
  const bool closed = ::close(fd) == 0;
  if (written && closed && ::rename(temporary.c_str(), path.c_str()) == 0) return true;
  ::unlink(temporary.c_str());
  return false;
}

std::string replay_variable(const std::string& token) {
  if (token.size() <= kLongToken) return "WEFT_REPLAY=" + token;
  const std::string name = file_name(token);
  const char* tmp = std::getenv("TMPDIR");
  for (const std::string& directory : {current_directory(), std::string(tmp && *tmp ? tmp : "/tmp")})
    if (!directory.empty() && directory[0] == '/' && replace_file(directory + "/" + name, token + "\n"))
      return "WEFT_REPLAY=" + shell_word("@" + directory + "/" + name);
  return "WEFT_REPLAY=" + token;  // nowhere to write: the command may be too long to run
}

bool read_token(std::string_view text, std::string& token, std::string& error) {
  if (text.empty() || text.front() != '@') {
    token.assign(text);
    return true;
  }
  const std::string path(text.substr(1));
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot read the token file " + path + ": " + std::strerror(errno);
    return false;
  }
  token.clear();
  char buffer[16384];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = "cannot read the token file " + path + ": " + std::strerror(errno);
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    token.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return true;
}

}  // namespace weft::detail
