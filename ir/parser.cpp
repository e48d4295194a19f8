#include "ir/parser.h"

#include <bit>
#include <charconv>
#include <type_traits>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "ir/verifier.h"

namespace nf::ir {

namespace {

enum class Tok { End, Name, Value, Number, String, Punct };

struct Token {
  Tok kind = Tok::End;
  std::string text;  // for String: the unescaped contents
  SourceLoc loc;
};

class Lexer {
 public:
  explicit Lexer(std::shared_ptr<const SourceFile> src) : src_(std::move(src)), s_(src_->text) {}

  Token next() {
    skip_space();
    Token t;
    t.loc = {src_, line_, col_};
    if (i_ >= s_.size()) return t;
    char c = s_[i_];
    auto is_ident = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; };
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      t.kind = Tok::Name;
      while (i_ < s_.size() && (is_ident(s_[i_]) || (s_[i_] == '.' && i_ + 1 < s_.size() &&
                                                       (std::isalpha(static_cast<unsigned char>(s_[i_ + 1])) || s_[i_ + 1] == '_'))))
        t.text += advance();
      // A hidden name's '@kind' suffix (ir/program.h): "W.dWeights@factor0".
      if (i_ + 1 < s_.size() && s_[i_] == '@' && is_ident(s_[i_ + 1])) {
        t.text += advance();
        while (i_ < s_.size() && is_ident(s_[i_])) t.text += advance();
      }
    } else if (c == '%') {
      t.kind = Tok::Value;
      t.text += advance();
      while (i_ < s_.size() && is_ident(s_[i_])) t.text += advance();
      if (t.text.size() == 1) throw_at(t.loc, "expected a value name after '%'");
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      t.kind = Tok::Number;
      while (i_ < s_.size()) {
        char ch = s_[i_];
        bool exp_sign = (ch == '+' || ch == '-') && !t.text.empty() && (t.text.back() == 'e' || t.text.back() == 'E');
        if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || exp_sign)) break;
        t.text += advance();
      }
    } else if (c == '"') {
      t.kind = Tok::String;
      advance();
      while (true) {
        if (i_ >= s_.size() || s_[i_] == '\n') throw_at(t.loc, "unterminated string");
        char ch = advance();
        if (ch == '"') break;
        if (ch == '\\') {
          if (i_ >= s_.size()) throw_at(t.loc, "unterminated string");
          ch = advance();
        }
        t.text += ch;
      }
    } else if (std::string_view("=:,[]{}()-").find(c) != std::string_view::npos) {
      t.kind = Tok::Punct;
      t.text = advance();
    } else {
      throw_at(t.loc, std::string("unexpected character '") + c + "'");
    }
    return t;
  }

  [[noreturn]] void throw_at(const SourceLoc& loc, const std::string& msg) {
    throw Error(std::vector<Diagnostic>{{loc, msg}});
  }

 private:
  char advance() {
    char c = s_[i_++];
    if (c == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    return c;
  }

  void skip_space() {
    while (i_ < s_.size()) {
      if (s_[i_] == '#') {
        while (i_ < s_.size() && s_[i_] != '\n') advance();
      } else if (std::isspace(static_cast<unsigned char>(s_[i_]))) {
        advance();
      } else {
        break;
      }
    }
  }

  std::shared_ptr<const SourceFile> src_;
  const std::string& s_;
  size_t i_ = 0;
  int line_ = 1, col_ = 1;
};

// A literal's tokens, kept until the type that gives it meaning is known.
struct LiteralText {
  bool negative = false;
  Token token;
  std::string payload;  // nan(0x...) payload digits
};

class Parser {
 public:
  explicit Parser(std::shared_ptr<const SourceFile> src) : lex_(src) { tok_ = lex_.next(); }

  Program parse() {
    while (tok_.kind != Tok::End) {
      if (is_name("dt")) parse_default_dt();
      else if (is_name("seed")) parse_default_seed();
      else if (is_name("param")) parse_param();
      else if (is_name("compartment")) parse_compartment();
      else if (is_name("hidden")) parse_hidden();
      else if (is_name("alias")) parse_alias();
      else if (is_name("connectivity")) parse_connectivity();
      else if (is_name("process")) parse_process();
      else fail("expected 'dt', 'seed', 'param', 'compartment', 'hidden', 'alias', 'connectivity' or 'process', found " +
                describe(tok_));
    }
    return std::move(program_);
  }

 private:
  // ---- token helpers ----
  static std::string describe(const Token& t) {
    switch (t.kind) {
      case Tok::End: return "end of input";
      case Tok::String: return "string \"" + t.text + "\"";
      default: return "'" + t.text + "'";
    }
  }
  bool is_name(const char* s) const { return tok_.kind == Tok::Name && tok_.text == s; }
  bool is_punct(char c) const { return tok_.kind == Tok::Punct && tok_.text[0] == c; }
  [[noreturn]] void fail(const std::string& msg) { lex_.throw_at(tok_.loc, msg); }
  Token take() {
    Token t = tok_;
    tok_ = lex_.next();
    return t;
  }
  void expect_punct(char c, const char* context) {
    if (!is_punct(c)) fail(std::string("expected '") + c + "' " + context + ", found " + describe(tok_));
    take();
  }
  void expect_name(const char* s, const char* context) {
    if (!is_name(s)) fail(std::string("expected '") + s + "' " + context + ", found " + describe(tok_));
    take();
  }
  Token expect_kind(Tok k, const char* what) {
    if (tok_.kind != k) fail(std::string("expected ") + what + ", found " + describe(tok_));
    return take();
  }

  // A model default (dt, seed) may be given once.
  void once(const Token& t, bool& seen) {
    if (seen) lex_.throw_at(t.loc, t.text + " is set twice");
    seen = true;
  }

  int64_t parse_int(const char* what) {
    bool neg = false;
    if (is_punct('-')) {
      take();
      neg = true;
    }
    Token t = expect_kind(Tok::Number, what);
    int64_t v = 0;
    auto r = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
    if (r.ec != std::errc() || r.ptr != t.text.data() + t.text.size())
      lex_.throw_at(t.loc, std::string("expected ") + what + ", found '" + t.text + "'");
    return neg ? -v : v;
  }

  std::vector<int64_t> parse_int_list(const char* what) {
    expect_punct('[', "to open a list");
    std::vector<int64_t> v;
    while (!is_punct(']')) {
      if (!v.empty()) expect_punct(',', "between list elements");
      v.push_back(parse_int(what));
    }
    take();
    return v;
  }

  Type parse_type() {
    Token d = expect_kind(Tok::Name, "a dtype (f32, i32, bool)");
    auto dtype = dtype_from_name(d.text);
    if (!dtype) lex_.throw_at(d.loc, "unknown dtype '" + d.text + "'; expected f32, i32 or bool");
    Type t{*dtype, Shape(parse_int_list("a dimension"))};
    return t;
  }

  LiteralText parse_literal_text() {
    LiteralText lt;
    if (is_punct('-')) {
      take();
      lt.negative = true;
    }
    if (tok_.kind != Tok::Number && tok_.kind != Tok::Name)
      fail("expected a literal value, found " + describe(tok_));
    lt.token = take();
    if (lt.token.kind == Tok::Name && lt.token.text == "nan" && is_punct('(')) {
      take();
      lt.payload = expect_kind(Tok::Number, "a NaN bit pattern such as 0x7fc00001").text;
      expect_punct(')', "after the NaN bit pattern");
    }
    return lt;
  }

  Literal literal_of(const LiteralText& lt, DType dtype) {
    const std::string& s = lt.token.text;
    auto bad = [&](const std::string& why) -> Literal { lex_.throw_at(lt.token.loc, why); };
    switch (dtype) {
      case DType::Bool:
        if (lt.negative || (s != "true" && s != "false")) return bad("expected true or false for a bool, found '" + s + "'");
        return Literal::boolean(s == "true");
      case DType::I32: {
        int64_t v = 0;
        auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        if (lt.token.kind != Tok::Number || r.ec != std::errc() || r.ptr != s.data() + s.size())
          return bad("expected an integer for an i32, found '" + s + "'");
        if (lt.negative) v = -v;
        if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())
          return bad("integer " + std::to_string(v) + " does not fit in i32");
        return Literal::i32(int32_t(v));
      }
      case DType::F32: return float_literal<float>(lt, bad);
      case DType::F64: return float_literal<double>(lt, bad);
    }
    return bad("unknown dtype");
  }

  // An f32 or f64 literal: a decimal, inf, nan or nan(0x<all the bits>).
  template <class F, class Bad>
  Literal float_literal(const LiteralText& lt, Bad bad) {
    using Bits = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
    const Bits sign = Bits(1) << (8 * sizeof(F) - 1);
    auto make = [](Bits b) {
      return sizeof(F) == 4 ? Literal{DType::F32, b} : Literal{DType::F64, b};
    };
    const char* name = sizeof(F) == 4 ? "f32" : "f64";
    const std::string& s = lt.token.text;
    F v = 0;
    if (s == "inf") {
      v = std::numeric_limits<F>::infinity();
    } else if (s == "nan") {
      Bits bits = std::bit_cast<Bits>(std::numeric_limits<F>::quiet_NaN());
      if (!lt.payload.empty()) {
        const std::string& p = lt.payload;
        auto r = p.size() > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')
                     ? std::from_chars(p.data() + 2, p.data() + p.size(), bits, 16)
                     : std::from_chars_result{p.data(), std::errc::invalid_argument};
        if (r.ec != std::errc() || r.ptr != p.data() + p.size() || !std::isnan(std::bit_cast<F>(bits)))
          return bad("'" + p + "' is not the bit pattern of a NaN");
      }
      if (lt.negative) bits ^= sign;
      return make(bits);
    } else {
      auto r = std::from_chars(s.data(), s.data() + s.size(), v);
      if (lt.token.kind == Tok::Number && r.ec == std::errc::result_out_of_range)
        return bad("'" + s + "' is outside the range of " + name);
      if (lt.token.kind != Tok::Number || r.ec != std::errc() || r.ptr != s.data() + s.size())
        return bad("expected a number for an " + std::string(name) + ", found '" + s + "'");
    }
    return make(std::bit_cast<Bits>(lt.negative ? -v : v));
  }

  // ---- declarations ----
  // dt = literal
  void parse_default_dt() {
    once(take(), seen_dt_);
    expect_punct('=', "after 'dt'");
    program_.default_dt = literal_of(parse_literal_text(), DType::F64).as_f64();
  }

  // seed = integer
  void parse_default_seed() {
    once(take(), seen_seed_);
    expect_punct('=', "after 'seed'");
    Token t = expect_kind(Tok::Number, "a seed (a non-negative integer)");
    auto r = std::from_chars(t.text.data(), t.text.data() + t.text.size(), program_.default_seed);
    if (r.ec != std::errc() || r.ptr != t.text.data() + t.text.size())
      lex_.throw_at(t.loc, "expected a seed (a non-negative integer below 2^64), found '" + t.text + "'");
  }

  // param NAME = literal
  void parse_param() {
    SourceLoc loc = take().loc;
    Token name = expect_kind(Tok::Name, "a parameter name");
    expect_punct('=', "after the parameter name");
    LiteralText lt = parse_literal_text();
    program_.params.push_back({name.text, literal_of(lt, DType::F64).as_f64(), loc});
  }

  // compartment NAME : type ROLE = literal
  void parse_compartment() {
    SourceLoc loc = take().loc;
    Token name = expect_kind(Tok::Name, "a compartment name");
    expect_punct(':', "after the compartment name");
    Type type = parse_type();
    Token role_tok = expect_kind(Tok::Name, "a role (input, state or output)");
    auto role = role_from_name(role_tok.text);
    if (!role) lex_.throw_at(role_tok.loc, "unknown role '" + role_tok.text + "'; expected input, state or output");
    expect_punct('=', "before the initial value");
    LiteralText lt = parse_literal_text();
    Compartment c;
    c.name = name.text;
    c.type = type;
    c.role = *role;
    c.init = literal_of(lt, type.dtype);
    c.loc = loc;
    program_.compartments.push_back(std::move(c));
  }

  // hidden KIND [INDEX] of NAME [scaled by NAME] : type = literal
  void parse_hidden() {
    Compartment c;
    c.loc = take().loc;
    Token kind = expect_kind(Tok::Name, "a hidden compartment kind (factor, form, facts, clear, value)");
    for (Hidden h : {Hidden::Factor, Hidden::Form, Hidden::Facts, Hidden::Clear, Hidden::Value})
      if (kind.text == hidden_kind_name(h)) c.hidden = h;
    if (c.hidden == Hidden::None)
      lex_.throw_at(kind.loc, "unknown hidden compartment kind '" + kind.text + "'; expected factor, form, facts, clear or value");
    if (c.hidden == Hidden::Factor || c.hidden == Hidden::Value) {
      int64_t index = parse_int("an index");
      if (index < 0 || index > std::numeric_limits<int>::max()) lex_.throw_at(kind.loc, "index out of range");
      c.index = int(index);
    }
    expect_name("of", "after the hidden compartment's kind");
    c.of = expect_kind(Tok::Name, "the name it belongs to").text;
    if (is_name("scaled")) {
      take();
      expect_name("by", "after 'scaled'");
      c.scale = expect_kind(Tok::Name, "a compartment name").text;
    }
    expect_punct(':', "before the hidden compartment's type");
    c.type = parse_type();
    expect_punct('=', "before the initial value");
    c.init = literal_of(parse_literal_text(), c.type.dtype);
    c.name = hidden_name(c.hidden, c.of, c.index);
    program_.compartments.push_back(std::move(c));
  }

  // alias NAME = VALUE, VALUE: a compartment name, add(VALUE, VALUE) or mul(VALUE, VALUE)
  void parse_alias() {
    Alias a;
    a.loc = take().loc;
    a.name = expect_kind(Tok::Name, "an alias name").text;
    expect_punct('=', "after the alias name");
    parse_alias_value(a.terms, 0);
    program_.aliases.push_back(std::move(a));
  }

  void parse_alias_value(std::vector<std::string>& terms, int depth) {
    if (depth > 256) fail("an alias nests more than 256 deep");
    Token name = expect_kind(Tok::Name, "a compartment name, add(...) or mul(...)");
    if ((name.text == "add" || name.text == "mul") && is_punct('(')) {
      take();
      parse_alias_value(terms, depth + 1);
      expect_punct(',', "between the two values");
      parse_alias_value(terms, depth + 1);
      expect_punct(')', "to close add(...) or mul(...)");
      terms.push_back(name.text == "add" ? "+" : "*");
    } else {
      terms.push_back(name.text);
    }
  }

  // connectivity NAME : [ROWS, COLUMNS] values N { row_start = [...] column = [...] [value = [...]] }
  void parse_connectivity() {
    Connectivity c;
    c.loc = take().loc;
    c.name = expect_kind(Tok::Name, "a connectivity name").text;
    expect_punct(':', "after the connectivity name");
    std::vector<int64_t> dims = parse_int_list("a dimension");
    if (dims.size() != 2) lex_.throw_at(c.loc, "a connectivity has two dimensions, [rows, columns]");
    expect_name("values", "after the connectivity's dimensions");
    auto t = std::make_shared<ConnectivityTables>();
    t->rows = dims[0];
    t->columns = dims[1];
    t->values = parse_int("the number of values");
    expect_punct('{', "to open the connectivity's tables");
    std::set<std::string> seen;
    while (!is_punct('}')) {
      Token key = expect_kind(Tok::Name, "row_start, column or value");
      std::vector<int32_t>* table = key.text == "row_start" ? &t->row_start
                                    : key.text == "column"  ? &t->column
                                    : key.text == "value"   ? &t->value
                                                            : nullptr;
      if (!table) lex_.throw_at(key.loc, "unknown table '" + key.text + "'; expected row_start, column or value");
      if (!seen.insert(key.text).second) lex_.throw_at(key.loc, "table '" + key.text + "' given twice");
      expect_punct('=', "after the table name");
      for (int64_t v : parse_int_list("an index")) {
        if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())
          lex_.throw_at(key.loc, "index " + std::to_string(v) + " does not fit in i32");
        table->push_back(int32_t(v));
      }
    }
    take();
    for (const char* k : {"row_start", "column"})
      if (!seen.count(k)) lex_.throw_at(c.loc, std::string("connectivity ") + c.name + " lacks its " + k + " table");
    c.tables = std::move(t);
    program_.connectivities.push_back(std::move(c));
  }

  // process NAME { statement* }, or a process the compiler adds:
  // process storage of NAME needs [NAME, ...] | materialize of NAME | derive of parameters
  void parse_process() {
    Process proc;
    proc.loc = take().loc;
    proc.name = expect_kind(Tok::Name, "a process name").text;
    if (is_name("of")) {
      take();
      if (proc.name == "storage") proc.variant = Variant::Storage;
      else if (proc.name == "materialize") proc.variant = Variant::Materialize;
      else if (proc.name == "derive") proc.variant = Variant::Derive;
      else fail("expected '{' after the process name ('storage of', 'materialize of' and 'derive of' name the compiler's processes)");
      proc.of = expect_kind(Tok::Name, "the name it belongs to").text;
      if (proc.variant == Variant::Storage) {
        expect_name("needs", "after the public process's name");
        expect_punct('[', "to open the list of compartments");
        while (!is_punct(']')) {
          if (!proc.needs.empty()) expect_punct(',', "between compartment names");
          proc.needs.push_back(expect_kind(Tok::Name, "a compartment name").text);
        }
        take();
      }
      proc.name = variant_name(proc.variant, proc.of);
    }
    expect_punct('{', "to open the process body");
    values_.clear();
    while (!is_punct('}')) {
      if (tok_.kind == Tok::End) fail("expected '}' to close process '" + proc.name + "'");
      proc.body.push_back(parse_statement());
    }
    take();
    program_.processes.push_back(std::move(proc));
  }

  NodeRef use_value() {
    Token t = expect_kind(Tok::Value, "a value such as %0");
    auto it = values_.find(t.text);
    if (it == values_.end()) lex_.throw_at(t.loc, "value " + t.text + " is not defined earlier in this process");
    return it->second;
  }

  // write NAME, VALUE  |  VALUE = OP operands {attrs} : type
  NodeRef parse_statement() {
    if (is_name("write")) {
      SourceLoc loc = take().loc;
      Attrs a;
      a.name = expect_kind(Tok::Name, "a compartment name").text;
      expect_punct(',', "after the compartment name");
      NodeRef v = use_value();
      return Node::make(Op::Write, v->type, {v}, a, loc);
    }
    Token result = expect_kind(Tok::Value, "a statement ('%name = op ...' or 'write')");
    if (values_.count(result.text)) lex_.throw_at(result.loc, "value " + result.text + " is defined twice");
    expect_punct('=', "after the value name");
    Token op_tok = expect_kind(Tok::Name, "an operation name");
    auto op = op_from_name(op_tok.text);
    if (!op || *op == Op::Write) lex_.throw_at(op_tok.loc, "unknown operation '" + op_tok.text + "'");
    OpClass cls = op_class(*op);
    Attrs attrs;
    std::vector<NodeRef> operands;
    std::optional<LiteralText> lit;
    if (cls == OpClass::Const) {
      lit = parse_literal_text();
    } else if (cls == OpClass::Read || cls == OpClass::Param) {
      attrs.name = expect_kind(Tok::Name, cls == OpClass::Read ? "a compartment name" : "a parameter name").text;
    } else if (cls != OpClass::StepArg && cls != OpClass::Iota) {
      operands.push_back(use_value());
      while (is_punct(',')) {
        take();
        operands.push_back(use_value());
      }
    }
    if (is_punct('{')) parse_attributes(cls, attrs);
    else require_attributes(cls);
    expect_punct(':', "before the result type");
    Type type = parse_type();
    if (lit) attrs.literal = literal_of(*lit, type.dtype);
    NodeRef n = Node::make(*op, type, std::move(operands), std::move(attrs), op_tok.loc);
    values_[result.text] = n;
    return n;
  }

  void require_attributes(OpClass cls) {
    switch (cls) {
      case OpClass::Reduce: case OpClass::Concat: case OpClass::Iota: fail("expected '{axis = N}'");
      case OpClass::Transpose: fail("expected '{perm = [...]}'");
      case OpClass::Slice: fail("expected '{begin = [...], end = [...]}'");
      case OpClass::Random: fail("expected '{stream = \"name\"}'");
      case OpClass::Sparse: fail("expected '{connectivity = \"name\"}'");
      default: break;
    }
  }

  void parse_attributes(OpClass cls, Attrs& a) {
    SourceLoc open = tok_.loc;
    take();
    std::vector<std::string> seen;
    while (!is_punct('}')) {
      if (!seen.empty()) expect_punct(',', "between attributes");
      Token key = expect_kind(Tok::Name, "an attribute name");
      expect_punct('=', "after the attribute name");
      bool allowed = false;
      if (key.text == "axis" && (cls == OpClass::Reduce || cls == OpClass::Concat || cls == OpClass::Iota)) {
        int64_t axis = parse_int("an axis");
        if (axis < std::numeric_limits<int>::min() || axis > std::numeric_limits<int>::max()) lex_.throw_at(key.loc, "axis " + std::to_string(axis) + " is out of range");
        a.axis = int(axis);
        allowed = true;
      } else if (key.text == "keepdims" && cls == OpClass::Reduce) {
        Token v = expect_kind(Tok::Name, "true or false");
        if (v.text != "true" && v.text != "false") lex_.throw_at(v.loc, "expected true or false");
        a.keepdims = v.text == "true";
        allowed = true;
      } else if (key.text == "perm" && cls == OpClass::Transpose) {
        a.perm = parse_int_list("an axis");
        allowed = true;
      } else if ((key.text == "begin" || key.text == "end") && cls == OpClass::Slice) {
        (key.text == "begin" ? a.begin : a.end) = parse_int_list("an index");
        allowed = true;
      } else if (key.text == "stream" && cls == OpClass::Random) {
        a.name = expect_kind(Tok::String, "a quoted stream name").text;
        allowed = true;
      } else if (key.text == "connectivity" && cls == OpClass::Sparse) {
        a.name = expect_kind(Tok::String, "a quoted connectivity name").text;
        allowed = true;
      }
      if (!allowed) lex_.throw_at(key.loc, "attribute '" + key.text + "' does not apply to this operation");
      for (const std::string& s : seen)
        if (s == key.text) lex_.throw_at(key.loc, "attribute '" + key.text + "' given twice");
      seen.push_back(key.text);
    }
    take();
    auto need = [&](const char* k) {
      for (const std::string& s : seen)
        if (s == k) return;
      lex_.throw_at(open, std::string("missing attribute '") + k + "'");
    };
    switch (cls) {
      case OpClass::Reduce: case OpClass::Concat: case OpClass::Iota: need("axis"); break;
      case OpClass::Transpose: need("perm"); break;
      case OpClass::Slice: need("begin"); need("end"); break;
      case OpClass::Random: need("stream"); break;
      case OpClass::Sparse: need("connectivity"); break;
      default: lex_.throw_at(open, "this operation takes no attributes");
    }
  }

  Lexer lex_;
  Token tok_;
  Program program_;
  bool seen_dt_ = false, seen_seed_ = false;
  std::map<std::string, NodeRef> values_;
};

}  // namespace

Program parse_program(std::shared_ptr<const SourceFile> source) {
  Program p = Parser(source).parse();
  std::vector<Diagnostic> problems = verify(p);
  if (!problems.empty()) throw Error(std::move(problems));
  return p;
}

Program parse_program(const std::string& text, const std::string& filename) {
  return parse_program(std::make_shared<const SourceFile>(SourceFile{filename, text}));
}

}  // namespace nf::ir
