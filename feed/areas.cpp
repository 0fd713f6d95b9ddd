#include "feed/areas.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace splitstream::feed {

namespace {

struct federation {
    std::string_view country;
    std::string_view area;
};

// Sorted by country code for binary search.
constexpr auto federations = [] {
    std::array<federation, 218> table{{
        {"AFG", "ASI"}, {"AIA", "NAC"}, {"ALB", "EUR"}, {"ALG", "AFR"}, {"AND", "EUR"}, {"ANG", "AFR"},
        {"ANT", "NAC"}, {"ARG", "SAM"}, {"ARM", "EUR"}, {"ARU", "NAC"}, {"ASA", "OCE"}, {"AUS", "OCE"},
        {"AUT", "EUR"}, {"AZE", "EUR"}, {"BAH", "NAC"}, {"BAN", "ASI"}, {"BAR", "NAC"}, {"BDI", "AFR"},
        {"BEL", "EUR"}, {"BEN", "AFR"}, {"BER", "NAC"}, {"BHU", "ASI"}, {"BIH", "EUR"}, {"BIZ", "NAC"},
        {"BLR", "EUR"}, {"BOL", "SAM"}, {"BOT", "AFR"}, {"BRA", "SAM"}, {"BRN", "ASI"}, {"BRU", "ASI"},
        {"BUL", "EUR"}, {"BUR", "AFR"}, {"CAF", "AFR"}, {"CAM", "ASI"}, {"CAN", "NAC"}, {"CAY", "NAC"},
        {"CGO", "AFR"}, {"CHA", "AFR"}, {"CHI", "SAM"}, {"CHN", "ASI"}, {"CIV", "AFR"}, {"CMR", "AFR"},
        {"COD", "AFR"}, {"COK", "OCE"}, {"COL", "SAM"}, {"COM", "AFR"}, {"CPV", "AFR"}, {"CRC", "NAC"},
        {"CRO", "EUR"}, {"CUB", "NAC"}, {"CYP", "EUR"}, {"CZE", "EUR"}, {"DEN", "EUR"}, {"DJI", "AFR"},
        {"DMA", "NAC"}, {"DOM", "NAC"}, {"ECU", "SAM"}, {"EGY", "AFR"}, {"ERI", "AFR"}, {"ESA", "NAC"},
        {"ESP", "EUR"}, {"EST", "EUR"}, {"ETH", "AFR"}, {"FIJ", "OCE"}, {"FIN", "EUR"}, {"FRA", "EUR"},
        {"FSM", "OCE"}, {"GAB", "AFR"}, {"GAM", "AFR"}, {"GBR", "EUR"}, {"GBS", "AFR"}, {"GEO", "EUR"},
        {"GEQ", "AFR"}, {"GER", "EUR"}, {"GHA", "AFR"}, {"GIB", "EUR"}, {"GRE", "EUR"}, {"GRN", "NAC"},
        {"GUA", "NAC"}, {"GUI", "AFR"}, {"GUM", "OCE"}, {"GUY", "SAM"}, {"HAI", "NAC"}, {"HKG", "ASI"},
        {"HON", "NAC"}, {"HUN", "EUR"}, {"INA", "ASI"}, {"IND", "ASI"}, {"IRI", "ASI"}, {"IRL", "EUR"},
        {"IRQ", "ASI"}, {"ISL", "EUR"}, {"ISR", "EUR"}, {"ISV", "NAC"}, {"ITA", "EUR"}, {"IVB", "NAC"},
        {"JAM", "NAC"}, {"JOR", "ASI"}, {"JPN", "ASI"}, {"KAZ", "ASI"}, {"KEN", "AFR"}, {"KGZ", "ASI"},
        {"KIR", "OCE"}, {"KOR", "ASI"}, {"KOS", "EUR"}, {"KSA", "ASI"}, {"KUW", "ASI"}, {"LAO", "ASI"},
        {"LAT", "EUR"}, {"LBA", "AFR"}, {"LBN", "ASI"}, {"LBR", "AFR"}, {"LCA", "NAC"}, {"LES", "AFR"},
        {"LIE", "EUR"}, {"LTU", "EUR"}, {"LUX", "EUR"}, {"MAC", "ASI"}, {"MAD", "AFR"}, {"MAR", "AFR"},
        {"MAS", "ASI"}, {"MAW", "AFR"}, {"MDA", "EUR"}, {"MDV", "ASI"}, {"MEX", "NAC"}, {"MGL", "ASI"},
        {"MHL", "OCE"}, {"MKD", "EUR"}, {"MLI", "AFR"}, {"MLT", "EUR"}, {"MNE", "EUR"}, {"MNP", "OCE"},
        {"MON", "EUR"}, {"MOZ", "AFR"}, {"MRI", "AFR"}, {"MSR", "NAC"}, {"MTN", "AFR"}, {"MYA", "ASI"},
        {"NAM", "AFR"}, {"NCA", "NAC"}, {"NCD", "OCE"}, {"NED", "EUR"}, {"NEP", "ASI"}, {"NFI", "OCE"},
        {"NGR", "AFR"}, {"NIG", "AFR"}, {"NOR", "EUR"}, {"NRU", "OCE"}, {"NZL", "OCE"}, {"OMA", "ASI"},
        {"PAK", "ASI"}, {"PAN", "NAC"}, {"PAR", "SAM"}, {"PER", "SAM"}, {"PHI", "ASI"}, {"PLE", "ASI"},
        {"PLW", "OCE"}, {"PNG", "OCE"}, {"POL", "EUR"}, {"POR", "EUR"}, {"PRK", "ASI"}, {"PUR", "NAC"},
        {"PYF", "OCE"}, {"QAT", "ASI"}, {"ROU", "EUR"}, {"RSA", "AFR"}, {"RUS", "EUR"}, {"RWA", "AFR"},
        {"SAM", "OCE"}, {"SEN", "AFR"}, {"SEY", "AFR"}, {"SGP", "ASI"}, {"SKN", "NAC"}, {"SLE", "AFR"},
        {"SLO", "EUR"}, {"SMR", "EUR"}, {"SOL", "OCE"}, {"SOM", "AFR"}, {"SRB", "EUR"}, {"SRI", "ASI"},
        {"SSD", "AFR"}, {"STP", "AFR"}, {"SUD", "AFR"}, {"SUI", "EUR"}, {"SUR", "SAM"}, {"SVK", "EUR"},
        {"SWE", "EUR"}, {"SWZ", "AFR"}, {"SYR", "ASI"}, {"TAN", "AFR"}, {"TGA", "OCE"}, {"THA", "ASI"},
        {"TJK", "ASI"}, {"TKM", "ASI"}, {"TKS", "NAC"}, {"TLS", "ASI"}, {"TOG", "AFR"}, {"TPE", "ASI"},
        {"TTO", "NAC"}, {"TUN", "AFR"}, {"TUR", "EUR"}, {"TUV", "OCE"}, {"UAE", "ASI"}, {"UGA", "AFR"},
        {"UKR", "EUR"}, {"URU", "SAM"}, {"USA", "NAC"}, {"UZB", "ASI"}, {"VAN", "OCE"}, {"VEN", "SAM"},
        {"VIE", "ASI"}, {"VIN", "NAC"}, {"YEM", "ASI"}, {"ZAM", "AFR"}, {"ZIM", "AFR"}, {"CUW", "NAC"},
        {"SXM", "NAC"}, {"TCA", "NAC"},
    }};
    std::sort(table.begin(), table.end(),
              [](const federation& a, const federation& b) { return a.country < b.country; });
    return table;
}();

}  // namespace

std::string_view area_of(std::string_view country) {
    auto it = std::lower_bound(federations.begin(), federations.end(), country,
                               [](const federation& f, std::string_view c) { return f.country < c; });
    if (it == federations.end() || it->country != country) return {};
    return it->area;
}

std::string_view area_adjective(std::string_view area) {
    if (area == "AFR") return "African";
    if (area == "ASI") return "Asian";
    if (area == "EUR") return "European";
    if (area == "NAC") return "North American";
    if (area == "OCE") return "Oceanian";
    if (area == "SAM") return "South American";
    return "area";
}

}  // namespace splitstream::feed
