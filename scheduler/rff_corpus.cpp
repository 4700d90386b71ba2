#include "scheduler/rff_corpus.h"

#include <algorithm>

namespace weft::sched {

namespace {
std::uint64_t object_key(ObjectRef o) noexcept {
  return (std::uint64_t{static_cast<std::uint8_t>(o.kind)} << 32) | o.index;
}
}  // namespace

std::size_t SiteTable::SiteHash::operator()(const Site& s) const noexcept {
  std::uint64_t h = splitmix64((std::uint64_t{s.file} << 32) | s.line);
  return static_cast<std::size_t>(splitmix64(h ^ object_key(s.object)));
}

std::uint32_t SiteTable::id(const char* file, std::uint32_t line, ObjectRef object) {
  const auto [f, added] = files_.try_emplace(file, static_cast<std::uint32_t>(files_.size()));
  (void)added;
  const Site site{f->second, line, object};
  const auto [it, fresh] = ids_.try_emplace(site, static_cast<std::uint32_t>(sites_.size()));
  if (fresh) {
    sites_.push_back(site);
    roles_.emplace_back();
  }
  return it->second;
}

std::uint32_t SiteTable::initial(ObjectRef object) {
  const Site site{Site::kInitial, 0, object};
  const auto [it, fresh] = ids_.try_emplace(site, static_cast<std::uint32_t>(sites_.size()));
  if (fresh) {
    sites_.push_back(site);
    roles_.push_back({false, true});
    writes_[object_key(object)].insert(writes_[object_key(object)].begin(), it->second);
  }
  return it->second;
}

void SiteTable::saw_read(std::uint32_t id) {
  if (roles_[id].read) return;
  roles_[id].read = true;
  reads_.push_back(id);
  initial(sites_[id].object);
}

void SiteTable::saw_write(std::uint32_t id) {
  if (roles_[id].written) return;
  roles_[id].written = true;
  initial(sites_[id].object);
  writes_[object_key(sites_[id].object)].push_back(id);
}

const std::vector<std::uint32_t>& SiteTable::writes_of(std::uint32_t id) {
  initial(sites_[id].object);
  return writes_[object_key(sites_[id].object)];
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
