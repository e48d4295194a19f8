// The syntax tree of a .nf file (docs/LANGUAGE.md), as the parser reads it.
// Nothing here is checked beyond syntax; elaboration gives it meaning.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ir/diagnostic.h"
#include "ir/program.h"

namespace nf::frontend {

struct Expr;
using ExprP = std::shared_ptr<const Expr>;

struct Expr {
  enum class Kind {
    Number,  // number, is_int
    String,  // text
    Bool,    // boolean
    None,    // none
    Name,    // text
    Tuple,   // items
    Unary,   // text = "-", "+" or "not"; items[0]
    Binary,  // text = operator; items[0], items[1]
    Call,    // base(items..., kwargs...)
    Index,   // base[items...]; each item an expression or a Slice
    Slice,   // lo:hi (either may be null)
    Attr,    // base.text
    Choice,  // items[0] if items[1] else items[2] (Python's conditional expression)
  };
  Kind kind;
  SourceLoc loc;
  int depth = 1;  // of the expression tree below (parser.cpp bounds it)
  double number = 0;
  bool is_int = false;
  bool boolean = false;
  std::string text;
  ExprP base;
  std::vector<ExprP> items;
  std::vector<std::pair<std::string, ExprP>> kwargs;
  ExprP lo, hi;
};

struct Stmt;
using StmtP = std::shared_ptr<const Stmt>;
using Block = std::vector<StmtP>;

struct Stmt {
  enum class Kind { Assign, If, Return, Expr };
  Kind kind;
  SourceLoc loc;
  std::string target;                               // Assign
  ExprP value;                                      // Assign, Return, Expr
  std::vector<std::pair<ExprP, Block>> branches;    // If: (condition, body) for if/elif
  Block else_body;                                  // If
};

struct ParamDecl {
  std::string name;
  std::string type;  // "" when inferred from the default
  ExprP default_value;  // null when required
  SourceLoc loc;
};

struct AliasDecl {
  std::string name, target;
  SourceLoc loc;
};

// connectivity NAME = EXPR: a sparse structure decided when the model is
// built (bernoulli_connectivity, local_connectivity), evaluated the first time
// the instance names it.
struct ConnectivityDecl {
  std::string name;
  ExprP value;
  SourceLoc loc;
};

struct CompartmentDecl {
  ir::Role role;
  std::string name;
  std::vector<ExprP> dims;  // empty: a scalar
  ir::DType dtype = ir::DType::F32;
  ExprP initial;
  SourceLoc loc;
};

struct MethodDecl {
  std::string name;
  std::vector<std::string> args;
  Block body;
  SourceLoc loc;
};

struct ComponentDecl {
  std::string name;
  std::string parent;  // "" when it extends nothing
  std::vector<ParamDecl> params;
  std::vector<AliasDecl> aliases;
  std::vector<CompartmentDecl> compartments;
  std::vector<ConnectivityDecl> connectivities;
  std::vector<MethodDecl> methods;
  SourceLoc loc;
};

struct InstanceDecl {
  std::string name, component;
  std::vector<std::pair<std::string, ExprP>> args;
  std::vector<SourceLoc> arg_locs;
  SourceLoc loc;
};

struct WireDecl {
  ExprP source;  // a.x, or sum(...)/product(...) over such
  std::string dst_instance, dst_compartment;
  SourceLoc loc, dst_loc;
};

struct ProcessStep {
  std::string instance, method;
  SourceLoc loc;
};

struct ProcessDecl {
  std::string name;
  std::vector<ProcessStep> steps;
  SourceLoc loc;
};

struct ModelDecl {
  std::string name;
  std::vector<std::pair<std::string, ExprP>> defaults;  // dt, seed, batch_size, precision
  std::vector<InstanceDecl> instances;
  std::vector<WireDecl> wires;
  std::vector<ProcessDecl> processes;
  SourceLoc loc;
};

struct Import {
  std::string path;
  SourceLoc loc;
};

struct FileAst {
  std::shared_ptr<const SourceFile> source;
  std::vector<Import> imports;
  std::vector<ComponentDecl> components;
  std::vector<ModelDecl> models;
};

}  // namespace nf::frontend
