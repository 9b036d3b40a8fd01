// SPDX-License-Identifier: MIT
// Numbers per CPU-second through compiled transform rules versus trying every regex in turn.
#include <ssw/transform/engine.hpp>
#include <ssw/transform/rule_parser.hpp>

#include <re2/re2.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

namespace tr = ssw::transform;
using bench_clock = std::chrono::steady_clock;

namespace {

std::string digits(std::mt19937_64& rng, std::size_t n)
{
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        s += static_cast<char>('0' + rng() % 10);
    }
    return s;
}

struct workload {
    std::string rules_text;
    std::vector<std::string> naive_patterns; // the same rules as anchored regexes
    std::vector<std::string> numbers;
};

// VOS-style prefix rules (as an operator's dial plan looks): distinct prefixes of 3-8 digits,
// some with '?' and length conditions, in a longest-match plan.
workload prefix_workload(std::size_t rules, std::mt19937_64& rng)
{
    workload w;
    w.rules_text = "plan p longest\n";
    std::vector<std::string> prefixes;
    std::unordered_set<std::string> seen;
    for (std::size_t i = 0; i < rules; ++i) {
        std::string p = digits(rng, 3 + rng() % 6);
        while (!seen.insert(p).second) { // operators' prefixes are distinct
            p = digits(rng, 4 + rng() % 5);
        }
        std::string re = "^" + p;
        if (i % 10 == 0) {
            p[2] = '?';
            re = "^" + p.substr(0, 2) + "." + p.substr(3);
        }
        prefixes.push_back(p);
        w.rules_text += "    " + p + (i % 7 == 0 ? "G9" : "") + ":" + digits(rng, 2) + "\n";
        w.naive_patterns.push_back(re +
                                   (i % 7 == 0 ? ".{" + std::to_string(10 - p.size()) + ",}" : ""));
    }
    w.rules_text += "end\n";
    for (std::size_t i = 0; i < 20000; ++i) {
        if (i % 2 == 0) {
            std::string p = prefixes[rng() % prefixes.size()];
            for (auto& c : p) {
                c = c == '?' ? '5' : c;
            }
            w.numbers.push_back(p + digits(rng, 12 - std::min<std::size_t>(p.size(), 11)));
        } else {
            w.numbers.push_back(digits(rng, 11 + rng() % 3));
        }
    }
    return w;
}

// Regex rules in a first-match plan: each matches a distinct prefix and a length range.
// `set`: written as ^(?:\+|00)?PREFIX... so no literal anchor exists and all go to the RE2::Set.
workload regex_workload(std::size_t rules, std::mt19937_64& rng, bool set = false)
{
    workload w;
    w.rules_text = "plan p\n";
    std::vector<std::string> prefixes;
    std::unordered_set<std::string> seen;
    for (std::size_t i = 0; i < rules; ++i) {
        std::string p = digits(rng, 4 + rng() % 4);
        while (!seen.insert(p).second) {
            p = digits(rng, 5 + rng() % 3);
        }
        prefixes.push_back(p);
        const std::string re = std::string(set ? "^(?:\\+|00)?" : "^") + p + "(\\d{" +
                               std::to_string(4 + rng() % 3) + ",9})$";
        w.rules_text += "    regex /" + re + "/ => 00\\1\n";
        w.naive_patterns.push_back(re);
    }
    w.rules_text += "end\n";
    for (std::size_t i = 0; i < 20000; ++i) {
        const std::string p = i % 2 == 0 ? prefixes[rng() % prefixes.size()] : digits(rng, 5);
        w.numbers.push_back(p + digits(rng, 12 - p.size()));
    }
    return w;
}

// CPU time of this thread: the machine may be shared, and "per core" is what we report.
double thread_cpu_seconds()
{
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

template <class Fn>
double per_second(const std::vector<std::string>& numbers, double budget_s, Fn&& fn)
{
    std::size_t done = 0;
    std::size_t sink = 0;
    const double start = thread_cpu_seconds();
    double elapsed = 0;
    do {
        for (std::size_t i = 0; i < 256; ++i) {
            sink += fn(numbers[done % numbers.size()]);
            ++done;
        }
        elapsed = thread_cpu_seconds() - start;
    } while (elapsed < budget_s);
    if (sink == 42) {
        std::puts("");
    }
    return static_cast<double>(done) / elapsed;
}

void run(const char* kind, std::size_t rules, workload w, double budget_s)
{
    const auto t0 = bench_clock::now();
    tr::file_reader none = [](const std::string&) -> ssw::result<std::string> {
        return std::string();
    };
    auto set = tr::parse_rules(w.rules_text, "bench.rules", none);
    if (!set) {
        std::fprintf(stderr, "parse: %s\n", set.error().to_string().c_str());
        std::exit(1);
    }
    auto eng = tr::engine::compile(std::move(*set));
    if (!eng) {
        std::fprintf(stderr, "compile: %s\n", eng.error().to_string().c_str());
        std::exit(1);
    }
    const double compile_s = std::chrono::duration<double>(bench_clock::now() - t0).count();
    tr::selector choices(0);
    const double compiled = per_second(w.numbers, budget_s, [&](const std::string& n) {
        return eng->apply("p", n, choices)->number.size();
    });

    RE2::Options opts;
    opts.set_log_errors(false);
    std::vector<std::unique_ptr<RE2>> res;
    for (const auto& p : w.naive_patterns) {
        res.push_back(std::make_unique<RE2>(p, opts));
    }
    const double naive = per_second(w.numbers, budget_s, [&](const std::string& n) {
        std::size_t hit = 0;
        for (std::size_t i = 0; i < res.size(); ++i) {
            if (RE2::PartialMatch(n, *res[i])) {
                hit = i + 1;
            }
        }
        return hit;
    });
    std::printf("%-7s %8zu %16.0f %16.0f %9.1fx %10.2f\n", kind, rules, compiled, naive,
                compiled / naive, compile_s);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv)
{
    const double budget_s = argc > 1 ? std::atof(argv[1]) : 1.0;
    std::mt19937_64 rng(2026);
    std::printf("%-7s %8s %16s %16s %10s %10s\n", "kind", "rules", "compiled num/s", "naive num/s",
                "speedup", "compile s");
    for (const std::size_t n : {100, 10'000, 100'000}) {
        run("prefix", n, prefix_workload(n, rng), budget_s);
    }
    for (const std::size_t n : {100, 10'000, 100'000}) {
        run("regex", n, regex_workload(n, rng), budget_s);
    }
    for (const std::size_t n : {100, 1'000, 10'000}) {
        run("re2set", n, regex_workload(n, rng, true), budget_s);
    }
    return 0;
}
