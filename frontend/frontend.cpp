#include "frontend/frontend.h"

#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/read_file.h"
#include "frontend/elaborator.h"
#include "frontend/parser.h"
#include "frontend/stdlib_sources.h"

namespace nf::frontend {

namespace {

std::shared_ptr<const SourceFile> read_source(const std::string& path, const SourceLoc& from) {
  try {
    return std::make_shared<const SourceFile>(SourceFile{path, read_regular_file<std::string>(path, kMaxTextFileBytes)});
  } catch (const FileReadError& e) {
    const std::string why = std::string(e.what()).substr(path.size() + 2);
    throw Error(std::vector<Diagnostic>{{from, "cannot read '" + path + "': " + why}});
  }
}

// All components visible to a model: the standard library, then every
// imported file (transitively), then the model's own file.
class ComponentTable {
 public:
  void add_stdlib() {
    for (const auto& [name, file] : stdlib_files()) add_file(file);
  }

  // Adds a file's components after those of the files it imports; returns its syntax tree.
  const FileAst& add_with_imports(std::shared_ptr<const SourceFile> source) {
    FileAst& file = parse(source);
    std::error_code ignored;
    imported_.insert(std::filesystem::weakly_canonical(source->name, ignored).string());
    std::filesystem::path dir = std::filesystem::path(source->name).parent_path();
    for (const Import& imp : file.imports) {
      std::filesystem::path path = dir / imp.path;
      std::string key = std::filesystem::weakly_canonical(path, ignored).string();  // read_source reports a bad path
      if (!imported_.insert(key).second) continue;
      add_with_imports(read_source(path.string(), imp.loc));
    }
    add_file(file);
    return file;
  }

  const std::map<std::string, const ComponentDecl*>& components() const { return components_; }

 private:
  FileAst& parse(std::shared_ptr<const SourceFile> source) {
    files_.push_back(parse_file(std::move(source)));
    return files_.back();
  }
  void add_file(const FileAst& file) {
    for (const ComponentDecl& c : file.components) {
      // One member per name within a component (a subclass may redeclare its
      // parent's), except that a compartment may share its name with a
      // parameter, its initial value (ngclearn's constructor arguments that
      // become compartments, such as eta and thr).
      std::map<std::string, SourceLoc> members, compartments;
      std::set<std::string> params;
      auto declare = [&](std::map<std::string, SourceLoc>& names, const std::string& name, const SourceLoc& loc) {
        auto [it, fresh] = names.emplace(name, loc);
        if (!fresh)
          throw Error(std::vector<Diagnostic>{{loc, "'" + name + "' is already declared in component '" + c.name +
                                                        "' at line " + std::to_string(it->second.line)}});
      };
      for (const ParamDecl& p : c.params) declare(members, p.name, p.loc), params.insert(p.name);
      for (const AliasDecl& a : c.aliases) declare(members, a.name, a.loc);
      for (const CompartmentDecl& x : c.compartments) {
        declare(compartments, x.name, x.loc);
        if (!params.count(x.name)) declare(members, x.name, x.loc);
      }
      for (const MethodDecl& m : c.methods) declare(members, m.name, m.loc);
      auto [it, fresh] = components_.emplace(c.name, &c);
      if (!fresh)
        throw Error(std::vector<Diagnostic>{{c.loc, "component '" + c.name + "' is already defined at " +
                                                        it->second->loc.file->name + ":" +
                                                        std::to_string(it->second->loc.line)}});
    }
  }

  std::deque<FileAst> files_;  // stable addresses: components point into them
  std::map<std::string, const ComponentDecl*> components_;
  std::set<std::string> imported_;
};

}  // namespace

const std::map<std::string, FileAst>& stdlib_files() {
  static const std::map<std::string, FileAst> files = [] {
    std::map<std::string, FileAst> out;
    for (const auto& [name, text] : stdlib_sources())
      out.emplace(name, parse_file(std::make_shared<const SourceFile>(SourceFile{"stdlib/" + name + ".nf", text})));
    return out;
  }();
  return files;
}

std::vector<std::string> stdlib_components() {
  std::vector<std::string> names;
  for (const auto& [name, text] : stdlib_sources()) names.push_back(name);
  return names;
}

Model load_model(std::shared_ptr<const SourceFile> source, const Options& options) {
  ComponentTable table;
  table.add_stdlib();
  const FileAst& file = table.add_with_imports(source);
  const ModelDecl* model = nullptr;
  for (const ModelDecl& m : file.models)
    if (options.model.empty() || m.name == options.model) {
      if (model && options.model.empty())
        throw Error(std::vector<Diagnostic>{{m.loc, "the file defines more than one model; choose one with --model"}});
      model = &m;
    }
  if (!model) {
    std::vector<std::string> names;
    for (const ModelDecl& m : file.models) names.push_back(m.name);
    throw Error(std::vector<Diagnostic>{
        {SourceLoc{source, 1, 1}, options.model.empty() ? "the file defines no model"
                                                         : "the file has no model '" + options.model + "'" +
                                                               did_you_mean(options.model, names)}});
  }
  Model out;
  out.name = model->name;
  out.program = Elaborator(*model, table.components()).run();
  for (const InstanceDecl& inst : model->instances) out.instances.push_back({inst.name, inst.component});
  return out;
}

Model load_model_file(const std::string& path, const Options& options) {
  return load_model(read_source(path, SourceLoc{}), options);
}

ir::Program compile_model_text(const std::string& text, const std::string& name) {
  return load_model(std::make_shared<const SourceFile>(SourceFile{name, text})).program;
}

}  // namespace nf::frontend
