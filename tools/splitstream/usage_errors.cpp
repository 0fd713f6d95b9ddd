#include "tools/splitstream/usage_errors.hpp"

#include <algorithm>

namespace splitstream::cli {

namespace {

std::string command_list(const CLI::App& app) {
    std::string out;
    for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; }))
        out += (out.empty() ? "" : ", ") + sub->get_name();
    return out;
}

std::vector<const CLI::App*> commands_of(const CLI::App& app) {
    return app.get_subcommands([](const CLI::App*) { return true; });
}

// The innermost command that was recognised (`journal` in `journal cat`),
// or the root.
const CLI::App& innermost_command(const CLI::App& app) {
    for (const auto* sub : commands_of(app))
        if (sub->parsed()) return innermost_command(*sub);
    return app;
}

std::string path_of(const CLI::App& app) {
    const auto* parent = app.get_parent();
    return parent == nullptr ? "splitstream" : path_of(*parent) + " " + app.get_name();
}

// The words of `args` that `command` left over, in the order they were
// typed (CLI11 keeps them in another order).
std::vector<std::string> left_over(const CLI::App& command, const std::vector<std::string>& args) {
    auto remaining = command.remaining();
    std::vector<std::string> out;
    for (const auto& a : args) {
        auto it = std::find(remaining.begin(), remaining.end(), a);
        if (it == remaining.end()) continue;
        out.push_back(a);
        remaining.erase(it);
    }
    return out;
}

std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
    return out;
}

}  // namespace

std::string usage_error_text(const CLI::App& root, const CLI::ParseError& error,
                             const std::vector<std::string>& args) {
    const auto& command = innermost_command(root);
    const std::string name = path_of(command);
    const auto words = &command == &root ? args : left_over(command, args);
    const auto is_option = [](const std::string& w) { return w.size() > 1 && w.front() == '-'; };
    if (!commands_of(command).empty()) {  // a command that takes a command
        if (!words.empty() && is_option(words.front()))
            return name + ": unknown option " + words.front() + " (" + name + " --help lists what it takes)";
        const auto word = std::find_if_not(words.begin(), words.end(), is_option);
        const std::string which = " (" + name + " --help says what each does)";
        if (word != words.end())
            return name + ": unknown command '" + *word + "'; the commands are " + command_list(command) +
                   which;
        if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr)
            return name + ": give a command: " + command_list(command) + which;
    }
    const std::string help = " (" + name + " --help lists what it takes)";
    if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
        const auto option = std::find_if(words.begin(), words.end(), is_option);
        if (option == words.end())
            return name + ": unexpected argument" + (words.size() == 1 ? " " : "s ") + joined(words) + help;
        if (words.size() == 1) return name + ": unknown option " + *option + help;
        return name + ": unknown option " + *option + "; not understood: " + joined(words) + help;
    }
    // CLI11 says "--upstream: 1 required TEXT missing" for a flag given
    // without its value.
    const std::string what = error.what();
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr && what.ends_with(" missing") &&
        what.find(':') != std::string::npos)
        return name + ": " + what.substr(0, what.find(':')) + " needs a value" + help;
    return name + ": " + what + help;
}

}  // namespace splitstream::cli
