#pragma once
// What the IPC tests share: the failure a report must hold, and a substring test.

#include <gtest/gtest.h>
#include <weft/weft.h>

#include <string>

namespace ipc_test {

// failure_of is the report's failure; a report without one fails the test.
inline weft::Failure failure_of(const weft::Report& r) {
  EXPECT_FALSE(r.ok());
  return r.ok() ? weft::Failure{} : *r.failure;
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace ipc_test
