// The standard library's reference, read from stdlib/*.nf (reference.h).
#include "frontend/reference.h"

#include <map>
#include <set>

#include "common/suggest.h"
#include "frontend/parser.h"
#include "frontend/stdlib_sources.h"

namespace nf::frontend {

namespace {

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t{");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// The comment block right above line `line` (1-based), without '#' and one
// space: a component's opening comment.
std::vector<std::string> comment_above(const SourceFile& file, int line) {
  std::vector<std::string> lines;
  for (int at = line - 1; at >= 1; --at) {
    std::string text = file.line_text(at);
    size_t first = text.find_first_not_of(" \t");
    if (first == std::string::npos || text[first] != '#') break;
    text.erase(0, first + 1);
    if (!text.empty() && text[0] == ' ') text.erase(0, 1);
    lines.insert(lines.begin(), text);
  }
  return lines;
}

// The first sentence of the opening comment, without the leading "Name: ".
std::string summary_of(const std::string& name, const std::vector<std::string>& comment) {
  std::string text;
  for (const std::string& line : comment) {
    if (line.empty()) break;
    text += (text.empty() ? "" : " ") + line;
  }
  if (text.rfind(name + ": ", 0) == 0) text.erase(0, name.size() + 2);
  size_t stop = text.find(". ");
  if (stop != std::string::npos) text = text.substr(0, stop + 1);
  return text;
}

const ComponentDecl* find_component(const std::string& name) {
  for (const auto& [file, parsed] : stdlib_files())
    for (const ComponentDecl& c : parsed.components)
      if (c.name == name) return &c;
  return nullptr;
}

// The whole declaration at `loc` as written: from its keyword (the start of
// its line, or the ';' before it) to the end of the statement, across lines
// while brackets are open, with a comment that ends it.
std::string line_of(const SourceLoc& loc) {
  const std::string& text = loc.file->text;
  size_t at = 0;
  for (int line = 1; line < loc.line && at != std::string::npos; ++line) at = text.find('\n', at) + 1;
  size_t name = at + size_t(loc.col - 1);
  size_t start = text.find_last_of(";\n", name == 0 ? 0 : name - 1);
  start = start == std::string::npos ? 0 : start + 1;
  std::string out;
  int depth = 0;
  bool in_string = false;
  for (size_t i = start; i < text.size(); ++i) {
    char ch = text[i];
    if (in_string) {
      in_string = ch != '"';
    } else if (ch == '"') {
      in_string = true;
    } else if (ch == '(' || ch == '[') {
      ++depth;
    } else if (ch == ')' || ch == ']') {
      --depth;
    } else if (ch == '#') {
      size_t end = text.find('\n', i);
      out += text.substr(i, end == std::string::npos ? std::string::npos : end - i);
      if (depth <= 0) break;
      i = end == std::string::npos ? text.size() : end - 1;
      continue;
    } else if ((ch == ';' || ch == '\n') && depth <= 0) {
      break;
    } else if (ch == '\n') {
      out += ' ';
      while (i + 1 < text.size() && (text[i + 1] == ' ' || text[i + 1] == '\t')) ++i;
      continue;
    }
    out += ch;
  }
  return trim(out);
}

// The declarations of `c` whose names `seen` does not hold yet (a subclass's
// own declaration replaces its parent's), in the order written.
void declarations(const ComponentDecl& c, std::set<std::string>& seen, std::vector<std::string>& params,
                  std::vector<std::string>& compartments, std::vector<std::string>& methods) {
  std::map<std::pair<int, int>, std::string> in_order;  // params and aliases in the order written
  for (const ParamDecl& p : c.params)
    if (seen.insert("param " + p.name).second) in_order[{p.loc.line, p.loc.col}] = line_of(p.loc);
  for (const AliasDecl& a : c.aliases)
    if (seen.insert("param " + a.name).second) in_order[{a.loc.line, a.loc.col}] = line_of(a.loc);
  for (const auto& [where, text] : in_order) params.push_back(text);
  // A connectivity decides compartments' shapes: it is listed with them, first.
  for (const ConnectivityDecl& x : c.connectivities)
    if (seen.insert("connectivity " + x.name).second) compartments.push_back(line_of(x.loc));
  for (const CompartmentDecl& x : c.compartments)
    if (seen.insert("compartment " + x.name).second) compartments.push_back(line_of(x.loc));
  for (const MethodDecl& m : c.methods) {
    if (!seen.insert("method " + m.name).second) continue;
    std::string text = line_of(m.loc);
    if (text.rfind("def ", 0) == 0) text.erase(0, 4);
    methods.push_back(text);
  }
}

ComponentReference reference_of(const ComponentDecl& c) {
  ComponentReference r;
  r.name = c.name;
  r.parent = c.parent;
  r.comment = comment_above(*c.loc.file, c.loc.line);
  r.summary = summary_of(c.name, r.comment);
  std::set<std::string> seen;
  declarations(c, seen, r.params, r.compartments, r.methods);
  for (const ComponentDecl* p = find_component(c.parent); p; p = find_component(p->parent))
    declarations(*p, seen, r.inherited_params, r.inherited_compartments, r.inherited_methods);
  return r;
}

void section(std::string& out, const char* title, const std::vector<std::string>& own,
             const std::vector<std::string>& inherited, const std::string& parent, const std::string& indent) {
  if (own.empty() && inherited.empty()) return;
  if (!out.empty() && out.back() == '\n' && out.size() > 1 && out[out.size() - 2] != '\n') out += "\n";
  out += title;
  out += ":\n";
  for (const std::string& line : own) out += indent + line + "\n";
  if (!inherited.empty()) {
    out += indent + "(from " + parent + ")\n";
    for (const std::string& line : inherited) out += indent + line + "\n";
  }
}

}  // namespace

std::vector<ComponentReference> stdlib_reference() {
  std::vector<ComponentReference> out;
  for (const auto& [file, parsed] : stdlib_files())
    for (const ComponentDecl& c : parsed.components) out.push_back(reference_of(c));
  return out;
}

std::vector<ComponentReference> component_reference(std::shared_ptr<const SourceFile> source) {
  FileAst ast = parse_file(std::move(source));
  std::vector<ComponentReference> out;
  for (const ComponentDecl& c : ast.components) out.push_back(reference_of(c));
  return out;
}

std::string component_reference_text(const std::string& name) {
  const ComponentDecl* c = find_component(name);
  if (!c) {
    std::vector<std::string> names;
    for (const ComponentReference& r : stdlib_reference()) names.push_back(r.name);
    throw Error("the standard library has no component '" + name + "'" + did_you_mean(name, names) +
                " ('neurofuse components' lists them)");
  }
  ComponentReference r = reference_of(*c);
  std::string out = r.name + (r.parent.empty() ? "" : " extends " + r.parent) + "  (" + c->loc.file->name + ")\n\n";
  for (const std::string& line : r.comment) out += (line.empty() ? "" : "  " + line) + "\n";
  out += "\n";
  section(out, "parameters", r.params, r.inherited_params, r.parent, "  ");
  section(out, "compartments", r.compartments, r.inherited_compartments, r.parent, "  ");
  section(out, "methods", r.methods, r.inherited_methods, r.parent, "  ");
  return out;
}

std::string component_index_text() {
  std::vector<ComponentReference> all = stdlib_reference();
  size_t width = 0;
  for (const ComponentReference& r : all) width = std::max(width, r.name.size());
  std::string out;
  for (const ComponentReference& r : all)
    out += r.name + std::string(width + 2 - r.name.size(), ' ') + r.summary + "\n";
  return out;
}

std::string component_reference_markdown() {
  std::vector<ComponentReference> all = stdlib_reference();
  std::string out =
      "# Components\n\n"
      "The standard library (`stdlib/`), generated from the component files by\n"
      "`neurofuse components --markdown` (a test keeps this page in step with\n"
      "them). `neurofuse components NAME` prints one of them. Every component\n"
      "has ngclearn's name, parameters, defaults and compartments; its opening\n"
      "comment gives its equations in the order they are computed and the\n"
      "decisions taken where ngclearn's source is surprising.\n\n"
      "| component | extends | what |\n|---|---|---|\n";
  for (const ComponentReference& r : all)
    out += "| [`" + r.name + "`](#" + r.name + ") | " + (r.parent.empty() ? "" : "`" + r.parent + "`") + " | " +
           r.summary + " |\n";
  for (const ComponentReference& r : all) {
    out += "\n<a id=\"" + r.name + "\"></a>\n\n## " + r.name + "\n\n```text\n";
    for (const std::string& line : r.comment) out += line + "\n";
    out += "```\n\n```text\n";
    std::string decls;
    section(decls, "parameters", r.params, r.inherited_params, r.parent, "  ");
    section(decls, "compartments", r.compartments, r.inherited_compartments, r.parent, "  ");
    section(decls, "methods", r.methods, r.inherited_methods, r.parent, "  ");
    out += decls + "```\n";
  }
  return out;
}

}  // namespace nf::frontend
