#include "frontend/parser.h"

#include <charconv>
#include <cstdlib>
#include <limits>

namespace nf::frontend {

namespace {

enum class Tok { End, Newline, Name, Number, String, Punct };

struct Token {
  Tok kind = Tok::End;
  std::string text;
  SourceLoc loc;
};

[[noreturn]] void error_at(const SourceLoc& loc, const std::string& message) {
  throw Error(std::vector<Diagnostic>{{loc, message}});
}

// Splits the text into tokens. Newlines (and ';') end statements except inside ( ) and
// [ ], where they are skipped.
std::vector<Token> tokenize(const std::shared_ptr<const SourceFile>& src) {
  const std::string& s = src->text;
  std::vector<Token> out;
  size_t i = 0;
  int line = 1, col = 1, depth = 0;
  auto advance = [&]() {
    if (s[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
    ++i;
  };
  while (i < s.size()) {
    char c = s[i];
    SourceLoc loc{src, line, col};
    if (c == '#') {
      while (i < s.size() && s[i] != '\n') advance();
      continue;
    }
    if (c == '\n' || (c == ';' && depth == 0)) {  // ';' ends a statement as a new line does (Python's rule)
      if (depth == 0 && (out.empty() || out.back().kind != Tok::Newline)) out.push_back({Tok::Newline, "newline", loc});
      advance();
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      advance();
      continue;
    }
    Token t{Tok::Punct, "", loc};
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      t.kind = Tok::Name;
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) {
        t.text += s[i];
        advance();
      }
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      t.kind = Tok::Number;
      while (i < s.size()) {
        char ch = s[i];
        bool exp_sign = (ch == '+' || ch == '-') && !t.text.empty() && (t.text.back() == 'e' || t.text.back() == 'E');
        if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || exp_sign)) break;
        t.text += ch;
        advance();
      }
    } else if (c == '"') {
      t.kind = Tok::String;
      advance();
      while (true) {
        if (i >= s.size() || s[i] == '\n') error_at(loc, "unterminated string");
        char ch = s[i];
        advance();
        if (ch == '"') break;
        if (ch == '\\' && i < s.size()) {
          ch = s[i];
          advance();
        }
        t.text += ch;
      }
    } else {
      static const char* two[] = {">>", "**", "==", "!=", "<=", ">="};
      for (const char* op : two)
        if (s.compare(i, 2, op) == 0) t.text = op;
      if (t.text.empty()) {
        if (std::string_view("()[]{}=:,.+-*/@<>").find(c) == std::string_view::npos)
          error_at(loc, std::string("unexpected character '") + c + "'");
        t.text = std::string(1, c);
      }
      for (size_t k = 0; k < t.text.size(); ++k) advance();
      if (t.text == "(" || t.text == "[") ++depth;
      if ((t.text == ")" || t.text == "]") && depth > 0) --depth;
    }
    out.push_back(t);
  }
  out.push_back({Tok::Newline, "newline", {src, line, col}});
  out.push_back({Tok::End, "end of file", {src, line, col}});
  return out;
}

class Parser {
 public:
  explicit Parser(std::shared_ptr<const SourceFile> src) : tokens_(tokenize(src)) { file_.source = src; }

  // file := (import STRING | component | model | NEWLINE)*
  FileAst parse() {
    while (!at(Tok::End)) {
      if (at(Tok::Newline)) take();
      else if (at_name("import")) parse_import();
      else if (at_name("component")) file_.components.push_back(parse_component());
      else if (at_name("model")) file_.models.push_back(parse_model());
      else fail("expected 'import', 'component' or 'model', found " + describe(peek()));
    }
    return std::move(file_);
  }

 private:
  // ---- tokens ----
  const Token& peek(size_t k = 0) const { return tokens_[std::min(pos_ + k, tokens_.size() - 1)]; }
  bool at(Tok k) const { return peek().kind == k; }
  bool at_name(const char* s) const { return peek().kind == Tok::Name && peek().text == s; }
  bool at_punct(const char* s) const { return peek().kind == Tok::Punct && peek().text == s; }
  Token take() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  static std::string describe(const Token& t) {
    if (t.kind == Tok::Newline || t.kind == Tok::End) return t.text;
    if (t.kind == Tok::String) return "string \"" + t.text + "\"";
    return "'" + t.text + "'";
  }
  // Items separated by commas up to `close`, which is consumed (a trailing
  // comma is allowed everywhere); `item` parses one. Whether a comma was seen
  // ("(a,)" is a tuple, "(a)" is not).
  template <typename Item>
  bool comma_list(const char* close, const std::string& between, Item item) {
    bool comma = false;
    for (bool first = true; !at_punct(close); first = false) {
      if (!first) {
        expect_punct(",", between);
        comma = true;
        if (at_punct(close)) break;
      }
      item();
    }
    take();
    return comma;
  }

  [[noreturn]] void fail(const std::string& message) { error_at(peek().loc, message); }
  Token expect_punct(const char* p, const std::string& context) {
    if (!at_punct(p)) fail(std::string("expected '") + p + "' " + context + ", found " + describe(peek()));
    return take();
  }
  Token expect_name(const std::string& what) {
    if (!at(Tok::Name)) fail("expected " + what + ", found " + describe(peek()));
    return take();
  }
  void expect_end_of_statement(const std::string& after) {
    if (at_punct("}")) return;
    if (!at(Tok::Newline)) fail("expected a new line after " + after + ", found " + describe(peek()));
    take();
  }
  void skip_newlines() {
    while (at(Tok::Newline)) take();
  }

  // import "path"
  void parse_import() {
    SourceLoc loc = take().loc;
    if (!at(Tok::String)) fail("expected a quoted file name after 'import', found " + describe(peek()));
    file_.imports.push_back({take().text, loc});
    expect_end_of_statement("the import");
  }

  // component NAME [extends NAME] { member* }
  ComponentDecl parse_component() {
    ComponentDecl c;
    c.loc = take().loc;
    c.name = expect_name("a component name").text;
    if (at_name("extends")) {
      take();
      c.parent = expect_name("the name of the component to extend").text;
    }
    expect_punct("{", "to open the component");
    while (true) {
      skip_newlines();
      if (at_punct("}")) break;
      if (at(Tok::End)) fail("expected '}' to close component '" + c.name + "'");
      if (at_name("param")) c.params.push_back(parse_param());
      else if (at_name("alias")) c.aliases.push_back(parse_alias());
      else if (at_name("input") || at_name("state") || at_name("output")) c.compartments.push_back(parse_compartment());
      else if (at_name("connectivity")) c.connectivities.push_back(parse_connectivity());
      else if (at_name("def")) c.methods.push_back(parse_method());
      else fail("expected 'param', 'alias', 'input', 'state', 'output', 'connectivity' or 'def' in component '" +
                c.name + "', found " + describe(peek()));
    }
    take();
    return c;
  }

  // param NAME [: TYPE] [= EXPR]
  ParamDecl parse_param() {
    take();
    ParamDecl p;
    Token name = expect_name("a parameter name");
    p.name = name.text;
    p.loc = name.loc;
    if (at_punct(":")) {
      take();
      Token type = expect_name("a parameter type (float, int, bool, string, shape or init)");
      static const char* types[] = {"float", "int", "bool", "string", "shape", "init"};
      bool known = false;
      for (const char* t : types) known = known || type.text == t;
      if (!known) error_at(type.loc, "unknown parameter type '" + type.text + "'; expected float, int, bool, string, shape or init");
      p.type = type.text;
    }
    if (at_punct("=")) {
      take();
      p.default_value = parse_expr();
    } else if (p.type.empty()) {
      fail("parameter '" + p.name + "' needs a type (': float') or a default ('= 1.0')");
    }
    expect_end_of_statement("the parameter");
    return p;
  }

  // `KEYWORD NAME =` of a declaration whose name is `described` ("an alias
  // name"): NAME's token.
  Token declared_name(const std::string& described) {
    take();
    Token name = expect_name(described);
    expect_punct("=", "after the " + described.substr(described.find(' ') + 1));
    return name;
  }

  // alias NAME = NAME
  AliasDecl parse_alias() {
    Token name = declared_name("an alias name");
    AliasDecl a{name.text, expect_name("the parameter the alias names").text, name.loc};
    expect_end_of_statement("the alias");
    return a;
  }

  // connectivity NAME = EXPR
  ConnectivityDecl parse_connectivity() {
    Token name = declared_name("a connectivity name");
    ConnectivityDecl d{name.text, parse_expr(), name.loc};
    expect_end_of_statement("the connectivity");
    return d;
  }

  // ROLE NAME ['[' dims ']'] [: DTYPE] = EXPR
  CompartmentDecl parse_compartment() {
    CompartmentDecl c;
    c.role = *ir::role_from_name(take().text);
    Token name = expect_name("a compartment name");
    c.name = name.text;
    c.loc = name.loc;
    if (at_punct("[")) {
      take();
      comma_list("]", "between dimensions", [&] { c.dims.push_back(parse_expr()); });
    }
    if (at_punct(":")) {
      take();
      Token d = expect_name("a dtype (f32, i32 or bool)");
      auto dtype = ir::dtype_from_name(d.text);
      if (!dtype) error_at(d.loc, "unknown dtype '" + d.text + "'; expected f32, i32 or bool");
      c.dtype = *dtype;
    }
    expect_punct("=", "and an initial value for compartment '" + c.name + "'");
    c.initial = parse_expr();
    expect_end_of_statement("the compartment");
    return c;
  }

  // def NAME ( [NAME, ...] ) block
  MethodDecl parse_method() {
    take();
    MethodDecl m;
    Token name = expect_name("a method name");
    m.name = name.text;
    m.loc = name.loc;
    expect_punct("(", "after the method name");
    comma_list(")", "between arguments", [&] { m.args.push_back(expect_name("an argument name").text); });
    m.body = parse_block();
    expect_end_of_statement("the method");
    return m;
  }

  // block := { statement* }
  Block parse_block() {
    expect_punct("{", "to open a block");
    Block body;
    while (true) {
      skip_newlines();
      if (at_punct("}")) break;
      if (at(Tok::End)) fail("expected '}' to close the block");
      body.push_back(parse_statement());
    }
    take();
    return body;
  }

  // statement := if ... | return EXPR | NAME = EXPR | EXPR
  StmtP parse_statement() {
    auto s = std::make_shared<Stmt>();
    s->loc = peek().loc;
    if (at_name("if")) {
      s->kind = Stmt::Kind::If;
      take();
      ExprP cond = parse_expr();
      s->branches.push_back({cond, parse_block()});
      while (true) {
        size_t save = pos_;
        skip_newlines();
        if (at_name("elif")) {
          take();
          ExprP c = parse_expr();
          s->branches.push_back({c, parse_block()});
        } else if (at_name("else")) {
          take();
          s->else_body = parse_block();
          break;
        } else {
          pos_ = save;
          break;
        }
      }
      expect_end_of_statement("the if statement");
      return s;
    }
    if (at_name("return")) {
      s->kind = Stmt::Kind::Return;
      take();
      s->value = parse_expr();
      expect_end_of_statement("the return statement");
      return s;
    }
    if (at(Tok::Name) && peek(1).kind == Tok::Punct && peek(1).text == "=") {
      s->kind = Stmt::Kind::Assign;
      s->target = take().text;
      take();
      s->value = parse_expr();
      expect_end_of_statement("the assignment");
      return s;
    }
    s->kind = Stmt::Kind::Expr;
    s->value = parse_expr();
    // Only a call can do something on its own line (`v == v + 1` is a typo).
    if (s->value->kind != Expr::Kind::Call)
      error_at(s->loc, "this expression has no effect (a statement is an assignment, a call, if or return)");
    expect_end_of_statement("the statement");
    return s;
  }

  // model NAME { item* }
  ModelDecl parse_model() {
    ModelDecl m;
    m.loc = take().loc;
    m.name = expect_name("a model name").text;
    expect_punct("{", "to open the model");
    while (true) {
      skip_newlines();
      if (at_punct("}")) break;
      if (at(Tok::End)) fail("expected '}' to close model '" + m.name + "'");
      if (at_name("process")) {
        m.processes.push_back(parse_process());
      } else if (at(Tok::Name) && peek(1).kind == Tok::Punct && peek(1).text == "=") {
        Token name = take();
        take();
        if (name.text == "dt" || name.text == "seed" || name.text == "batch_size" || name.text == "precision") {
          m.defaults.push_back({name.text, parse_expr()});
        } else {
          InstanceDecl inst;
          inst.name = name.text;
          inst.loc = name.loc;
          Token comp = expect_name("a component name (an instance is NAME = COMPONENT(param=value, ...))");
          inst.component = comp.text;
          expect_punct("(", "after the component name");
          comma_list(")", "between parameters", [&] {
            Token key = expect_name("a parameter name (arguments are param=value)");
            expect_punct("=", "after parameter '" + key.text + "'");
            inst.args.push_back({key.text, parse_expr()});
            inst.arg_locs.push_back(key.loc);
          });
          m.instances.push_back(std::move(inst));
        }
        expect_end_of_statement("the definition");
      } else {
        WireDecl w;
        w.loc = peek().loc;
        w.source = parse_expr();
        expect_punct(">>", "in a wire (SOURCE >> instance.compartment)");
        Token inst = expect_name("the instance a wire goes to");
        w.dst_loc = inst.loc;
        w.dst_instance = inst.text;
        expect_punct(".", "between instance and compartment");
        w.dst_compartment = expect_name("the compartment a wire goes to").text;
        m.wires.push_back(std::move(w));
        expect_end_of_statement("the wire");
      }
    }
    take();
    return m;
  }

  // process NAME = INSTANCE.METHOD (>> INSTANCE.METHOD)*
  ProcessDecl parse_process() {
    take();
    ProcessDecl p;
    Token name = expect_name("a process name");
    p.name = name.text;
    p.loc = name.loc;
    expect_punct("=", "after the process name");
    while (true) {
      ProcessStep step;
      Token inst = expect_name("instance.method");
      step.instance = inst.text;
      step.loc = inst.loc;
      expect_punct(".", "between instance and method");
      step.method = expect_name("a method name").text;
      p.steps.push_back(step);
      if (!at_punct(">>")) break;
      take();
    }
    expect_end_of_statement("the process");
    return p;
  }

  // ---- expressions, lowest precedence first ----
  std::shared_ptr<Expr> make(Expr::Kind k, SourceLoc loc, std::string text = "") {
    auto e = std::make_shared<Expr>();
    e->kind = k;
    e->loc = std::move(loc);
    e->text = std::move(text);
    return e;
  }
  // Expressions are bounded so that neither parsing nor lowering them can
  // run out of stack: at most kMaxNesting levels of parentheses, calls,
  // subscripts and unary signs, and a tree at most kMaxDepth deep (a sum of
  // kMaxDepth terms).
  static constexpr int kMaxNesting = 200;
  static constexpr int kMaxDepth = 1000;
  struct Nesting {
    Parser& p;
    explicit Nesting(Parser& parser) : p(parser) {
      if (++p.nesting_ > kMaxNesting)
        p.fail("the expression nests too deeply (more than " + std::to_string(kMaxNesting) +
               " levels of parentheses, calls or signs); split it with local names");
    }
    ~Nesting() { --p.nesting_; }
  };
  ExprP deepen(std::shared_ptr<Expr> e) {
    for (const ExprP& x : e->items)
      if (x) e->depth = std::max(e->depth, x->depth + 1);
    if (e->depth > kMaxDepth)
      error_at(e->loc, "the expression is more than " + std::to_string(kMaxDepth) +
                           " operations deep; split it with local names");
    return e;
  }

  ExprP binary(const Token& op, ExprP a, ExprP b) {
    auto e = std::make_shared<Expr>();
    e->kind = Expr::Kind::Binary;
    e->loc = op.loc;
    e->text = op.text;
    e->items = {std::move(a), std::move(b)};
    return deepen(e);
  }

  // A if COND else B: COND must be known when the model is built.
  ExprP parse_expr() {
    Nesting nested(*this);
    ExprP e = parse_or();
    if (!at_name("if")) return e;
    Token op = take();
    auto choice = std::make_shared<Expr>();
    choice->kind = Expr::Kind::Choice;
    choice->loc = op.loc;
    ExprP cond = parse_or();
    if (!at_name("else")) fail("expected 'else' in 'A if CONDITION else B'");
    take();
    choice->items = {e, cond, parse_expr()};
    return deepen(choice);
  }

  ExprP parse_or() {
    ExprP e = parse_and();
    while (at_name("or")) {
      Token op = take();
      e = binary(op, e, parse_and());
    }
    return e;
  }
  ExprP parse_and() {
    ExprP e = parse_not();
    while (at_name("and")) {
      Token op = take();
      e = binary(op, e, parse_not());
    }
    return e;
  }
  ExprP parse_not() {
    if (at_name("not")) {
      Token op = take();
      auto e = std::make_shared<Expr>();
      e->kind = Expr::Kind::Unary;
      e->loc = op.loc;
      e->text = "not";
      Nesting nested(*this);
      e->items = {parse_not()};
      return deepen(e);
    }
    return parse_comparison();
  }
  bool at_comparison() {
    return at_punct("==") || at_punct("!=") || at_punct("<") || at_punct("<=") || at_punct(">") || at_punct(">=") ||
           at_name("in");
  }
  // One comparison at most: `a < b < c` would compare a boolean with c, not
  // test b's range as Python reads it.
  ExprP parse_comparison() {
    ExprP e = parse_additive();
    if (!at_comparison()) return e;
    Token op = take();
    e = binary(op, e, parse_additive());
    if (at_comparison())
      fail("comparisons do not chain; write (a " + op.text + " b) and (b " + peek().text + " c)");
    return e;
  }
  ExprP parse_additive() {
    ExprP e = parse_multiplicative();
    while (at_punct("+") || at_punct("-")) {
      Token op = take();
      e = binary(op, e, parse_multiplicative());
    }
    return e;
  }
  ExprP parse_multiplicative() {
    ExprP e = parse_unary();
    while (at_punct("*") || at_punct("/") || at_punct("@")) {
      Token op = take();
      e = binary(op, e, parse_unary());
    }
    return e;
  }
  ExprP parse_unary() {
    if (at_punct("-") || at_punct("+")) {
      Nesting nested(*this);
      Token op = take();
      auto e = std::make_shared<Expr>();
      e->kind = Expr::Kind::Unary;
      e->loc = op.loc;
      e->text = op.text;
      e->items = {parse_unary()};
      return deepen(e);
    }
    return parse_power();
  }
  ExprP parse_power() {
    ExprP e = parse_postfix();
    if (at_punct("**")) {
      Token op = take();
      return binary(op, e, parse_unary());  // right-associative, binds tighter than a unary minus on its left
    }
    return e;
  }
  ExprP parse_postfix() {
    ExprP e = parse_atom();
    while (true) {
      if (at_punct("(")) {
        auto call = std::make_shared<Expr>();
        call->kind = Expr::Kind::Call;
        call->loc = e->loc;
        call->base = e;
        take();
        comma_list(")", "between arguments", [&] {
          if (at(Tok::Name) && peek(1).kind == Tok::Punct && peek(1).text == "=") {
            std::string key = take().text;
            take();
            call->kwargs.push_back({key, parse_expr()});
          } else {
            if (!call->kwargs.empty()) fail("a positional argument cannot follow a keyword argument");
            call->items.push_back(parse_expr());
          }
        });
        e = call;
      } else if (at_punct("[")) {
        auto index = std::make_shared<Expr>();
        index->kind = Expr::Kind::Index;
        index->loc = peek().loc;
        index->base = e;
        take();
        comma_list("]", "between subscripts", [&] { index->items.push_back(parse_subscript()); });
        e = index;
      } else if (at_punct(".")) {
        take();
        Token name = expect_name("a name after '.'");
        auto attr = make(Expr::Kind::Attr, name.loc, name.text);
        attr->base = e;
        e = attr;
      } else {
        return e;
      }
    }
  }
  // subscript := EXPR | [EXPR] : [EXPR]
  ExprP parse_subscript() {
    SourceLoc loc = peek().loc;
    ExprP lo;
    if (!at_punct(":")) {
      lo = parse_expr();
      if (!at_punct(":")) return lo;
    }
    take();
    auto s = make(Expr::Kind::Slice, loc);
    s->lo = lo;
    if (!at_punct(",") && !at_punct("]")) s->hi = parse_expr();
    return s;
  }
  ExprP parse_atom() {
    const Token& t = peek();
    if (t.kind == Tok::Number) {
      Token n = take();
      auto e = make(Expr::Kind::Number, n.loc, n.text);
      const char* begin = n.text.data();
      const char* end = begin + n.text.size();
      double v = 0;
      auto r = std::from_chars(begin, end, v);
      if (r.ec != std::errc() || r.ptr != end) error_at(n.loc, "'" + n.text + "' is not a number");
      e->number = v;
      e->is_int = n.text.find_first_of(".eE") == std::string::npos;
      return e;
    }
    if (t.kind == Tok::String) {
      Token s = take();
      return make(Expr::Kind::String, s.loc, s.text);
    }
    if (t.kind == Tok::Name) {
      Token n = take();
      if (n.text == "true" || n.text == "True" || n.text == "false" || n.text == "False") {
        auto e = make(Expr::Kind::Bool, n.loc, n.text);
        e->boolean = n.text[0] == 't' || n.text[0] == 'T';
        return e;
      }
      if (n.text == "none" || n.text == "None") return make(Expr::Kind::None, n.loc, n.text);
      if (n.text == "inf") {
        auto e = make(Expr::Kind::Number, n.loc, n.text);
        e->number = std::numeric_limits<double>::infinity();
        return e;
      }
      return make(Expr::Kind::Name, n.loc, n.text);
    }
    if (at_punct("(")) {
      Token open = take();
      std::vector<ExprP> items;
      const bool tuple = comma_list(")", "between tuple elements", [&] { items.push_back(parse_expr()); });
      if (items.size() == 1 && !tuple) return items[0];
      auto e = make(Expr::Kind::Tuple, open.loc);
      e->items = std::move(items);
      return e;
    }
    fail("expected an expression, found " + describe(t));
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int nesting_ = 0;  // parse_expr and sign levels open (Nesting)
  FileAst file_;
};

}  // namespace

FileAst parse_file(std::shared_ptr<const SourceFile> source) { return Parser(std::move(source)).parse(); }

}  // namespace nf::frontend
