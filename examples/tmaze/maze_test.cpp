// The T-maze's rules and observation against the reference's scripted checks
// (ngclearn semantics 8.2.1).
#include <catch2/catch.hpp>

#include "maze.h"

using namespace tmaze;

TEST_CASE("the optimal path: up, up, up, right", "[tmaze]") {
  Maze m;
  m.reset();
  std::vector<float> rewards;
  for (int a : {1, 1, 1, 2}) rewards.push_back(m.step(a).reward);
  CHECK(rewards == std::vector<float>{1, 1, 1, 1});
  // The next episode starts with dist_best = 0 (where this one ended).
  m.reset();
  Maze::Step s{};
  rewards.clear();
  for (int a : {1, 1, 1, 2}) rewards.push_back((s = m.step(a)).reward);
  CHECK(rewards == std::vector<float>{-1, 1, 1, 1});
  CHECK(s.done);
  CHECK(s.pos == kGoal);
}

TEST_CASE("walls and moving away", "[tmaze]") {
  Maze m;
  m.reset();
  for (int a : {0, 3}) {  // down and left bump a wall at the start
    Maze::Step s = m.step(a);
    CHECK(s.pos == kStart);
    CHECK(s.reward == -1);
  }
  m.step(1);
  m.step(1);
  m.step(1);                          // (1, 2)
  Maze::Step left = m.step(3);        // (1, 1): distance 2 > 1
  CHECK(left.pos == Pos{1, 1});
  CHECK(left.reward == -1);
  Maze::Step right = m.step(2);       // back to (1, 2): 1 < 2
  CHECK(right.reward == 1);
  CHECK_FALSE(right.done);
}

TEST_CASE("the observation: 270 pixels, 126 lit away from the goal", "[tmaze]") {
  std::vector<float> start = encode(kStart);
  REQUIRE(start.size() == 270);
  float lit = 0;
  for (float p : start) lit += p;
  CHECK(lit == 126);
  // Row 13 of the start image is "...##.###.##...": the agent's "+".
  std::string row;
  for (int c = 0; c < 15; ++c) row += start[size_t(13 * 15 + c)] ? '#' : '.';
  CHECK(row == "...##.###.##...");
  std::string top;
  for (int c = 0; c < 15; ++c) top += start[size_t(3 * 15 + c)] ? '#' : '.';
  CHECK(top == "##.......#.#.##");
  for (Pos p : {Pos{3, 2}, Pos{2, 2}, Pos{1, 2}, Pos{1, 1}}) {
    float n = 0;
    for (float v : encode(p)) n += v;
    CHECK(n == 126);
  }
}
