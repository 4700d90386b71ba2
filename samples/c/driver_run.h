#pragma once
// Running the driver of a program test (weft_add_program_test) as a user
// does, in a process of its own, and reading what it printed: for
// weft-demo-c and tests/program_test.cpp.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace weft::samples {

// DriverRun is what a driver printed (stdout and stderr) and its exit
// status (-1 if it did not exit normally).
struct DriverRun {
  std::string output;
  int status = -1;

  bool has(const std::string& part) const { return output.find(part) != std::string::npos; }
  // token is the replay token the report printed, or "".
  std::string token() const {
    const auto at = output.find("replay token: ");
    if (at == std::string::npos) return "";
    return output.substr(at + 14, output.find('\n', at) - at - 14);
  }
  // report is the failure report, from its first line to its token.
  std::string report() const {
    const auto from = output.find("weft: ");
    const auto token = output.find("replay token: ", from);
    if (from == std::string::npos || token == std::string::npos) return "";
    return output.substr(from, output.find('\n', token) - from);
  }
};

// run_driver runs the executable at `path` with `environment` (VAR=value
// words, put before it on a shell command line).
inline DriverRun run_driver(const std::string& path, const std::string& environment = "") {
  const std::string command = environment + " " + path + " 2>&1";
  DriverRun r;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buffer;
  while (std::fgets(buffer.data(), buffer.size(), pipe)) r.output += buffer.data();
  const int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace weft::samples
