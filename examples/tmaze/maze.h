// The T-maze of ngc-museum's RL-SNN exhibit (rat_maze.py, maze_type "t_maze",
// reward_type "dist", deterministic), with exactly the reference's rules and
// observation encoding (ngclearn semantics 8.2.1).
#pragma once

#include <array>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace tmaze {

// A 6 x 5 grid of tiles: -1 is free space, other codes are wall pieces.
inline constexpr int kRows = 6, kCols = 5;
inline constexpr int kTiles[kRows][kCols] = {
    {0, 4, 4, 4, 1}, {6, -1, -1, -1, 7}, {2, 8, -1, 9, 3}, {-1, 6, -1, 7, -1}, {-1, 6, -1, 7, -1}, {-1, 2, 5, 3, -1},
};

struct Pos {
  int row, col;
  bool operator==(const Pos&) const = default;
};

inline constexpr Pos kStart{4, 2}, kGoal{1, 3};

// Walkable: the T's bar (row 1, columns 1-3) and stem (column 2, rows 1-4).
inline bool walkable(Pos p) {
  return (p.row == 1 && p.col >= 1 && p.col <= 3) || (p.col == 2 && p.row >= 1 && p.row <= 4);
}

inline int distance(Pos a, Pos b) { return std::abs(a.row - b.row) + std::abs(a.col - b.col); }

class Maze {
 public:
  Maze() : agent_(kStart), dist_best_(distance(kGoal, kStart)) {}

  // dist_best comes from where the previous episode ended, before moving.
  Pos reset() {
    dist_best_ = distance(kGoal, agent_);
    agent_ = kStart;
    return agent_;
  }

  // Actions: 0 down, 1 up, 2 right, 3 left. Reward +1 when the distance to
  // the goal shrinks from the previous step's, -1 otherwise; +1 and done at
  // the goal. A wall leaves the agent where it is.
  struct Step {
    Pos pos;
    float reward;
    bool done;
  };
  Step step(int action) {
    static constexpr int dr[] = {1, -1, 0, 0}, dc[] = {0, 0, 1, -1};
    Pos p{agent_.row + dr[action], agent_.col + dc[action]};
    if (walkable(p)) agent_ = p;
    int d = distance(kGoal, agent_);
    float reward = d < dist_best_ ? 1.0f : -1.0f;
    dist_best_ = d;
    bool done = d == 0;
    if (done) reward = 1.0f;
    return {agent_, reward, done};
  }

 private:
  Pos agent_;
  int dist_best_;
};

// The 3 x 3 pixel pattern of each tile code (rows top to bottom).
inline std::array<int, 9> pattern(int code) {
  switch (code) {
    case 0: return {1, 1, 1, 1, 1, 1, 1, 1, 0};
    case 1: return {1, 1, 1, 1, 1, 1, 0, 1, 1};
    case 2: return {1, 1, 0, 1, 1, 1, 1, 1, 1};
    case 3: return {0, 1, 1, 1, 1, 1, 1, 1, 1};
    case 4: return {1, 1, 1, 1, 1, 1, 0, 0, 0};
    case 5: return {0, 0, 0, 1, 1, 1, 1, 1, 1};
    case 6: return {1, 1, 0, 1, 1, 0, 1, 1, 0};
    case 7: return {0, 1, 1, 0, 1, 1, 0, 1, 1};
    case 8: return {0, 0, 0, 1, 1, 0, 1, 1, 0};
    case 9: return {0, 0, 0, 0, 1, 1, 0, 1, 1};
    case 12: return {0, 1, 0, 1, 1, 1, 0, 1, 0};  // the agent: "+"
    case 13: return {1, 0, 1, 0, 1, 0, 1, 0, 1};  // the goal: "X"
    default: return {0, 0, 0, 0, 0, 0, 0, 0, 0};
  }
}

// The observation: the maze as an 18 x 15 binary image, the agent's tile drawn
// as "+", then the goal's as "X", flattened row-major to 270 values.
inline std::vector<float> encode(Pos agent) {
  std::vector<float> image(18 * 15, 0.0f);
  for (int r = 0; r < kRows; ++r)
    for (int c = 0; c < kCols; ++c) {
      int code = kTiles[r][c];
      if (Pos{r, c} == agent) code = 12;
      if (Pos{r, c} == kGoal) code = 13;
      std::array<int, 9> px = pattern(code);
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) image[size_t((r * 3 + i) * 15 + c * 3 + j)] = float(px[size_t(i * 3 + j)]);
    }
  return image;
}

}  // namespace tmaze
