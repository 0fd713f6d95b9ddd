// ODF documents through the adapter, then the race engine: the reference
// race as an ODF sequence (START_LIST, LIVE with intermediates, UNOFFICIAL,
// OFFICIAL), and each bad document.

#include "adapters/odf_adapter.hpp"

#include <gtest/gtest.h>

#include <map>

#include "feed/marks.hpp"
#include "ingest/frame_parser.hpp"
#include "tests/adapters/engine_run.hpp"
#include "tests/test_paths.hpp"

namespace splitstream::adapters {
namespace {

constexpr const char* unit = "ATHM1500M----------FNL-000100--";

// The reference feed's messages, typed.
std::vector<feed::feed_message> reference_messages() {
    std::vector<feed::feed_message> out;
    ingest::frame_parser parser;
    for (const auto& line : test_paths::reference_feed_lines()) {
        auto parsed = parser.parse(line);
        if (parsed.ok()) out.push_back(parsed.message());
    }
    return out;
}

std::string thousandths(std::int64_t ms) {
    const auto m = ms / 60000;
    const auto rest = ms % 60000;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld:%02lld.%03lld", static_cast<long long>(m),
                  static_cast<long long>(rest / 1000), static_cast<long long>(rest % 1000));
    return buf;
}

// One DT_RESULT of the reference final as an ODF distributor would send it:
// every competitor, the intermediates passed by `upto_m`, and when `results`
// the finish times (Result, with MS for the thousandths) and ranks.
std::string dt_result(const std::string& status, int version, std::int64_t upto_m, bool results) {
    static const auto messages = reference_messages();
    const feed::startlist_msg* sl = nullptr;
    std::map<std::string, std::vector<const feed::split_msg*>> splits;
    std::map<std::string, std::int64_t> finish;
    for (const auto& m : messages) {
        if (auto* s = std::get_if<feed::startlist_msg>(&m.body)) sl = s;
        if (auto* s = std::get_if<feed::split_msg>(&m.body)) splits[s->bib].push_back(s);
        if (auto* f = std::get_if<feed::finish_msg>(&m.body)) finish[f->bib] = f->elapsed_ms;
    }
    std::vector<std::string> order;
    for (const auto& [bib, ms] : finish) order.push_back(bib);
    std::sort(order.begin(), order.end(), [&](auto& a, auto& b) { return finish[a] < finish[b]; });
    std::string x =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OdfBody DocumentType=\"DT_RESULT\" DocumentCode=\"" +
        std::string(unit) + "\" Version=\"" + std::to_string(version) + "\" ResultStatus=\"" + status +
        "\"><Competition><ExtendedInfos><UnitDateTime StartDate=\"2023-08-23T21:16:00+02:00\"/>";
    for (int pos = 1; pos <= 14; ++pos)
        x += "<ExtendedInfo Type=\"UI\" Code=\"INTERMEDIATE\" Pos=\"" + std::to_string(pos) + "\" Value=\"" +
             std::to_string(pos * 100) + "\"/>";
    x += "</ExtendedInfos>";
    int lane = 0;
    for (const auto& a : sl->athletes) {
        ++lane;
        const auto rank = std::find(order.begin(), order.end(), a.bib) - order.begin() + 1;
        x += "<Result SortOrder=\"" + std::to_string(lane) + "\" StartOrder=\"" + std::to_string(lane) + "\"";
        if (results)
            x += " Rank=\"" + std::to_string(rank) + "\" ResultType=\"TIME\" Result=\"" +
                 std::string(feed::format_mark(finish[a.bib], feed::venue::track)) + "\"";
        x += "><ExtendedResults>";
        for (const auto* s : splits[a.bib])
            if (s->distance_m <= upto_m)
                x += "<ExtendedResult Type=\"ER\" Code=\"INTERMEDIATE\" Pos=\"" +
                     std::to_string(s->distance_m / 100) + "\" Value=\"" + thousandths(s->elapsed_ms) +
                     "\"/>";
        if (results)
            x += "<ExtendedResult Type=\"ER\" Code=\"MS\" Value=\"" + thousandths(finish[a.bib]) + "\"/>";
        x += "</ExtendedResults><Competitor Code=\"" + a.bib + "\" Type=\"A\" Organisation=\"" + a.country +
             "\"><Composition><Athlete Code=\"" + a.bib + "\" Order=\"1\" Bib=\"" + a.bib +
             "\"><Description GivenName=\"" + a.name.substr(0, a.name.rfind(' ')) + "\" FamilyName=\"" +
             a.name.substr(a.name.rfind(' ') + 1) + "\"/></Athlete></Composition>";
        if (a.pb_ms)
            x += "<EventUnitEntry Type=\"EUE\" Code=\"PB\" Value=\"" +
                 feed::format_mark(*a.pb_ms, feed::venue::track) + "\"/>";
        if (a.sb_ms)
            x += "<EventUnitEntry Type=\"EUE\" Code=\"SB\" Value=\"" +
                 feed::format_mark(*a.sb_ms, feed::venue::track) + "\"/>";
        x += "</Competitor></Result>";
    }
    return x + "</Competition></OdfBody>\n";
}

meet_file reference_meet() {
    auto m = load_meet_file(std::filesystem::path(test_paths::source_dir) /
                            "tests/data/adapters/budapest-2023/meet.toml");
    EXPECT_TRUE(m.meet) << m.error;
    auto meet = m.meet.value_or(meet_file{});
    for (auto& e : meet.events) e.odf = unit;
    meet.athletes.clear();  // PB and SB come from the documents
    return meet;
}

TEST(OdfReferenceRace, TheOdfSequenceGivesTheResultsRecordsClaimsAndLeadersOfTheFeedV1Run) {
    const auto meet = reference_meet();
    feed_output output{"odf", "odf-1"};
    odf_adapter adapter{meet, output};
    std::vector<feed::feed_message> all;
    auto take = [&](const std::string& doc) {
        auto c = adapter.on_document(doc, "doc", "2023-08-23T19:16:00.000Z");
        EXPECT_TRUE(c.problems.empty()) << describe(c.problems.front());
        all.insert(all.end(), c.messages.begin(), c.messages.end());
        return c.messages.size();
    };
    EXPECT_EQ(take(dt_result("START_LIST", 1, 0, false)), 2u);  // hello, startlist
    int version = 2;
    for (std::int64_t at = 100; at <= 1400; at += 100) take(dt_result("LIVE", version++, at, false));
    take(dt_result("UNOFFICIAL", version++, 1400, true));
    EXPECT_EQ(take(dt_result("UNOFFICIAL", version++, 1400, true)), 0u)
        << "the same snapshot again sends nothing";
    EXPECT_EQ(take(dt_result("OFFICIAL", version++, 1400, true)), 1u);

    const auto odf = test::run_messages(all);
    EXPECT_TRUE(odf.rejected.empty()) << odf.rejected.front();
    const auto reference = test::run_lines(test_paths::reference_feed_lines());
    EXPECT_EQ(odf.last_ranking(), reference.last_ranking());
    EXPECT_TRUE(odf.last_results_official());
    EXPECT_EQ(odf.records(), reference.records());
    EXPECT_EQ(odf.texts(feed::event_type::leader_change), reference.texts(feed::event_type::leader_change));
    EXPECT_EQ(odf.texts(feed::event_type::finish), reference.texts(feed::event_type::finish));
}

struct odf_fixture : ::testing::Test {
    meet_file meet = reference_meet();
    feed_output output{"odf", "odf-1"};
    odf_adapter adapter{meet, output, odf_options{.max_document_bytes = 64 * 1024}};
    conversion send(const std::string& doc) {
        return adapter.on_document(doc, "doc-7.xml", "2023-08-23T19:16:00.000Z");
    }
};

TEST_F(odf_fixture, ADqWithItsRuleAfterTheResultsIsOneIrm) {
    send(dt_result("START_LIST", 1, 0, false));
    send(dt_result("UNOFFICIAL", 2, 0, true));
    auto doc = dt_result("UNOFFICIAL", 3, 0, true);
    const auto at = doc.find("<Result SortOrder=\"4\"");  // Isaac Nader
    doc.replace(doc.find("Rank=", at), doc.find("\">", at) + 1 - doc.find("Rank=", at),
                "IRM=\"DQ\" ResultType=\"IRM\"");
    doc.insert(doc.find("<ExtendedResults>", at) + 17,
               "<ExtendedResult Type=\"ER\" Code=\"RULE\" Value=\"TR17.2.3\"/>");
    auto c = send(doc);
    EXPECT_TRUE(c.problems.empty()) << describe(c.problems.front());
    ASSERT_EQ(c.messages.size(), 1u);
    const auto& irm = std::get<feed::irm_msg>(c.messages[0].body);
    EXPECT_EQ(irm.bib, "122");
    EXPECT_EQ(irm.code, feed::irm_code::dq);
    EXPECT_EQ(irm.rule, "TR17.2.3");
}

TEST_F(odf_fixture, EachBadDocumentIsReportedCountedAndChangesNothing) {
    send(dt_result("START_LIST", 1, 0, false));
    const auto before = output.last_seq();
    struct bad {
        std::string doc;
        problem_reason reason;
    };
    const std::vector<bad> cases = {
        {"this is not XML", problem_reason::not_xml},
        {"<OdfBody DocumentType=\"DT_RESULT\"><Competition>", problem_reason::not_xml},
        {std::string(70 * 1024, ' '), problem_reason::too_large},
        {"<?xml version=\"1.0\"?><!DOCTYPE lol [<!ENTITY lol \"lol\"><!ENTITY lol2 "
         "\"&lol;&lol;\">]><OdfBody>&lol2;</OdfBody>",
         problem_reason::entity_expansion},
        {"<OdfBody DocumentType=\"DT_SCHEDULE\" DocumentCode=\"x\"/>", problem_reason::unknown_document},
    };
    for (const auto& c : cases) {
        auto out = send(c.doc);
        EXPECT_TRUE(out.messages.empty());
        ASSERT_EQ(out.problems.size(), 1u);
        EXPECT_EQ(out.problems[0].reason, c.reason) << describe(out.problems[0]);
        EXPECT_EQ(out.problems[0].where.rfind("doc-7.xml", 0), 0u);
    }
    EXPECT_EQ(output.last_seq(), before);
    EXPECT_EQ(adapter.problems().of(problem_reason::not_xml), 2u);
    EXPECT_EQ(adapter.problems().total(), 5u);
}

TEST_F(odf_fixture, AnUnknownIrmOrBibSkipsOnlyThatResult) {
    send(dt_result("START_LIST", 1, 0, false));
    auto doc = dt_result("UNOFFICIAL", 2, 0, true);
    auto at = doc.find("<Result SortOrder=\"4\"");
    doc.replace(doc.find("Rank=", at), doc.find("\">", at) + 1 - doc.find("Rank=", at), "IRM=\"XYZ\"");
    at = doc.find("<Result SortOrder=\"5\"");
    doc.replace(doc.find("Bib=\"129\"", at), 9, "Bib=\"999\"");
    auto c = send(doc);
    ASSERT_EQ(c.problems.size(), 2u);
    EXPECT_EQ(c.problems[0].reason, problem_reason::unknown_irm);
    EXPECT_EQ(c.problems[1].reason, problem_reason::unknown_bib);
    int finishes = 0;
    for (const auto& m : c.messages) finishes += m.type() == feed::message_type::finish;
    EXPECT_EQ(finishes, 10);
}

}  // namespace
}  // namespace splitstream::adapters

namespace splitstream::adapters {
namespace {

TEST_F(odf_fixture, DtCurrentLivePositionsBecomeSplitsAtTheNamedPoints) {
    send(dt_result("START_LIST", 1, 0, false));
    send(dt_result("LIVE", 2, 0, false));  // names the intermediate points (ExtendedInfo), no times yet
    auto c = send(
        "<OdfBody DocumentType=\"DT_CURRENT\" DocumentCode=\"ATHM1500M----------FNL-000100--\" Version=\"3\" "
        "ResultStatus=\"LIVE\"><Competition>"
        "<Result SortOrder=\"2\"><ExtendedResults><ExtendedResult Code=\"LIVE\" Value=\"27.250\" Rank=\"2\" "
        "Arrive=\"2\"/></ExtendedResults><Competitor Code=\"129\"><Composition><Athlete Bib=\"129\"/>"
        "</Composition></Competitor></Result>"
        "<Result SortOrder=\"1\"><ExtendedResults><ExtendedResult Code=\"LIVE\" Value=\"27.110\" Rank=\"1\" "
        "Arrive=\"2\"/></ExtendedResults><Competitor Code=\"101\"><Composition><Athlete Bib=\"101\"/>"
        "</Composition></Competitor></Result>"
        "</Competition></OdfBody>");
    EXPECT_TRUE(c.problems.empty()) << describe(c.problems.front());
    ASSERT_EQ(c.messages.size(), 2u);
    const auto& first = std::get<feed::split_msg>(c.messages[0].body);
    EXPECT_EQ(first.bib, "101");  // in time order, whatever the document's order
    EXPECT_EQ(first.distance_m, 200);
    EXPECT_EQ(first.elapsed_ms, 27110);
    // The same positions again send nothing.
    EXPECT_TRUE(send("<OdfBody DocumentType=\"DT_CURRENT\" DocumentCode=\"ATHM1500M----------FNL-000100--\">"
                     "<Result><ExtendedResults><ExtendedResult Code=\"LIVE\" Value=\"27.110\" Arrive=\"2\"/>"
                     "</ExtendedResults><Competitor Code=\"101\"><Composition><Athlete Bib=\"101\"/>"
                     "</Composition></Competitor></Result></OdfBody>")
                    .messages.empty());
}

TEST_F(odf_fixture, DtCurrentBeforeAnyStartListIsRefused) {
    auto c = send("<OdfBody DocumentType=\"DT_CURRENT\" DocumentCode=\"ATHM1500M----------FNL-000100--\"/>");
    EXPECT_TRUE(c.messages.empty());
    ASSERT_EQ(c.problems.size(), 1u);
    EXPECT_EQ(c.problems[0].reason, problem_reason::no_start_list);
}

// PROTESTED and PROVISIONAL are ResultStatus values ADAPTERS.md lists
// without saying what they mean for the results; feed v1 has no race state
// for either. Their results still apply (a correction, a DQ), with no status
// message and no problem; what was made official stays official.
TEST_F(odf_fixture, ProtestedAndProvisionalResultsApplyTheirChangesButSendNoStatus) {
    send(dt_result("START_LIST", 1, 0, false));
    send(dt_result("UNOFFICIAL", 2, 0, true));
    auto dq = dt_result("PROTESTED", 3, 0, true);
    const auto at = dq.find("<Result SortOrder=\"4\"");  // Isaac Nader
    dq.replace(dq.find("Rank=", at), dq.find("\">", at) + 1 - dq.find("Rank=", at),
               "IRM=\"DQ\" ResultType=\"IRM\"");
    auto c = send(dq);
    EXPECT_TRUE(c.problems.empty()) << describe(c.problems.front());
    ASSERT_EQ(c.messages.size(), 1u);
    EXPECT_EQ(std::get<feed::irm_msg>(c.messages[0].body).code, feed::irm_code::dq);

    auto provisional = dq;
    provisional.replace(provisional.find("PROTESTED"), 9, "PROVISIONAL");
    c = send(provisional);
    EXPECT_TRUE(c.problems.empty());
    EXPECT_TRUE(c.messages.empty()) << "the same results: nothing new, and no status";

    auto official = dq;
    official.replace(official.find("PROTESTED"), 9, "OFFICIAL");
    c = send(official);
    ASSERT_EQ(c.messages.size(), 1u);
    EXPECT_EQ(std::get<feed::status_msg>(c.messages[0].body).status, feed::status_code::official);
    c = send(dq);
    EXPECT_TRUE(c.messages.empty());
    EXPECT_TRUE(c.problems.empty());
}

// RecordIndicators: ADAPTERS.md names the element but not its content, so
// it is not read (the engine derives records from the marks and the meet
// file's records in force); whatever it holds changes nothing.
TEST_F(odf_fixture, RecordIndicatorsAreNotReadAndChangeNothing) {
    send(dt_result("START_LIST", 1, 0, false));
    auto plain = send(dt_result("UNOFFICIAL", 2, 0, true));
    feed_output other_output{"odf", "odf-1"};
    odf_adapter other{meet, other_output};
    other.on_document(dt_result("START_LIST", 1, 0, false), "doc-1.xml", "2023-08-23T19:16:00.000Z");
    auto doc = dt_result("UNOFFICIAL", 2, 0, true);
    const auto at = doc.find("<ExtendedResults>", doc.find("<Result SortOrder=\"6\""));
    doc.insert(at, "<RecordIndicators><RecordIndicator Code=\"WR\" Order=\"1\"/></RecordIndicators>");
    auto marked = other.on_document(doc, "doc-2.xml", "2023-08-23T19:16:00.000Z");
    EXPECT_TRUE(marked.problems.empty()) << describe(marked.problems.front());
    ASSERT_EQ(marked.messages.size(), plain.messages.size());
    for (std::size_t i = 0; i < plain.messages.size(); ++i)
        EXPECT_EQ(marked.messages[i].type(), plain.messages[i].type());
}

}  // namespace
}  // namespace splitstream::adapters
