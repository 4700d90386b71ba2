#include "scheduler/rff_corpus.h"

#include <algorithm>

namespace weft::sched {

std::size_t SiteTable::SiteHash::operator()(const Site& s) const noexcept {
  return static_cast<std::size_t>(
      splitmix64((std::uint64_t{s.file} << 32) ^ (std::uint64_t{s.line} << 8) ^ static_cast<std::uint8_t>(s.kind)));
}

std::uint32_t SiteTable::id(const char* file, std::uint32_t line, ObjectKind kind) {
  const auto f = files_.try_emplace(file, static_cast<std::uint32_t>(files_.size())).first;
  const Site site{f->second, line, kind};
  const auto [it, fresh] = ids_.try_emplace(site, static_cast<std::uint32_t>(sites_.size()));
  if (fresh) {
    sites_.push_back(site);
    writes_.emplace_back();
  }
  return it->second;
}

std::uint32_t SiteTable::initial(ObjectKind kind) {
  const Site site{Site::kInitial, 0, kind};
  const auto [it, fresh] = ids_.try_emplace(site, static_cast<std::uint32_t>(sites_.size()));
  if (fresh) {
    sites_.push_back(site);
    writes_.emplace_back();
  }
  return it->second;
}

void SiteTable::saw(std::uint32_t read, std::uint32_t write) {
  const std::uint32_t start = initial(sites_[read].kind);  // may add a site: before the reference below
  std::vector<std::uint32_t>& writes = writes_[read];
  if (writes.empty()) {
    reads_.push_back(read);
    writes.push_back(start);
  }
  if (std::find(writes.begin(), writes.end(), write) == writes.end()) writes.push_back(write);
}

bool Corpus::learn(const std::unordered_set<std::uint64_t>& pairs, const std::vector<Constraint>& schedule) {
  bool fresh = false;
  for (std::uint64_t p : pairs) fresh = pairs_.insert(p).second || fresh;
  if (fresh && entries_.size() < kMaxEntries) entries_.push_back({schedule, 0});
  return fresh;
}

std::vector<Constraint> Corpus::next(SiteTable& sites, Rng& rng) {
  // Weight 2^(8 - picks): a new entry is tried 256 times as often as one
  // picked 8 times or more, which still gets its turn.
  std::uint64_t sum = 0;
  for (const Entry& e : entries_) sum += std::uint64_t{1} << (8 - std::min<std::uint32_t>(e.picks, 8));
  std::uint64_t r = rng.next() % sum;
  std::size_t chosen = 0;
  for (; chosen + 1 < entries_.size(); ++chosen) {
    const std::uint64_t w = std::uint64_t{1} << (8 - std::min<std::uint32_t>(entries_[chosen].picks, 8));
    if (r < w) break;
    r -= w;
  }
  ++entries_[chosen].picks;
  std::vector<Constraint> schedule = entries_[chosen].constraints;
  mutate(schedule, sites, rng);
  return schedule;
}

bool Corpus::open(std::uint32_t write, std::uint32_t read) const {
  if (seen(write, read)) return false;
  const auto it = tries_.find(pair_key(write, read));
  return it == tries_.end() || it->second < kMaxTries;
}

bool Corpus::random_constraint(SiteTable& sites, Rng& rng, Constraint& out) {
  const std::vector<std::uint32_t>& reads = sites.reads();
  if (reads.empty()) return false;
  // Reads with a write they were never seen to read from are where new
  // behaviour is: three times in four, one of those.
  std::vector<std::uint32_t> open_reads;
  for (std::uint32_t r : reads)
    for (std::uint32_t w : sites.writes_of(r))
      if (open(w, r)) {
        open_reads.push_back(r);
        break;
      }
  const bool novel = !open_reads.empty() && rng.below(4) != 0;
  const std::uint32_t read =
      novel ? open_reads[rng.below(static_cast<std::uint32_t>(open_reads.size()))] : reads[rng.below(static_cast<std::uint32_t>(reads.size()))];
  const std::vector<std::uint32_t>& writes = sites.writes_of(read);
  std::vector<std::uint32_t> unseen;
  for (std::uint32_t w : writes)
    if (open(w, read)) unseen.push_back(w);
  if (novel) {
    out = {unseen[rng.below(static_cast<std::uint32_t>(unseen.size()))], read, true};
    ++tries_[pair_key(out.write, out.read)];
  } else {
    out = {writes[rng.below(static_cast<std::uint32_t>(writes.size()))], read, rng.below(2) == 0};
  }
  return true;
}

void Corpus::mutate(std::vector<Constraint>& schedule, SiteTable& sites, Rng& rng) {
  const unsigned mutations = 1 + rng.below(2);
  for (unsigned m = 0; m < mutations; ++m) {
    const unsigned kind = schedule.empty() ? 0 : rng.below(5);
    Constraint c;
    switch (kind) {
      case 0:  // insert (twice as likely as each of the others)
      case 1:
        if (schedule.size() < kMaxConstraints && random_constraint(sites, rng, c) &&
            std::find(schedule.begin(), schedule.end(), c) == schedule.end())
          schedule.push_back(c);
        break;
      case 2:  // delete
        schedule.erase(schedule.begin() + rng.below(static_cast<std::uint32_t>(schedule.size())));
        break;
      case 3:  // negate
        schedule[rng.below(static_cast<std::uint32_t>(schedule.size()))].positive ^= true;
        break;
      default:  // swap one for a new one
        if (random_constraint(sites, rng, c))
          schedule[rng.below(static_cast<std::uint32_t>(schedule.size()))] = c;
        break;
    }
  }
}

}  // namespace weft::sched
