using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using DroneScan.Core.Photos;
using DroneScan.Web.Api;
using DroneScan.Web.Auth;
using DroneScan.Web.Hosting;

namespace DroneScan.Web.Tests;

/// <summary>
/// The service speaks Azerbaijani, Russian and English: server-rendered pages and error titles by the request's
/// language (<c>?lang=</c>, the remembered cookie, <c>Accept-Language</c>), while what it writes for machines (JSON,
/// exports) stays the same in every language.
/// </summary>
[Collection(ServiceGroup.Name)]
public sealed partial class LocalisationTests(ServiceFixture service)
{
    [Theory]
    [InlineData("az", "az", "Daxil ol", "Parol")]
    [InlineData("ru-RU,ru;q=0.9,en;q=0.5", "ru", "Войти", "Пароль")]
    [InlineData("en-GB", "en", "Sign in", "Password")]
    [InlineData("de", "en", "Sign in", "Password")]
    public async Task LoginPage_IsInTheLanguageTheBrowserAsksFor(string acceptLanguage, string lang, string signIn, string password)
    {
        using var client = service.Client(null);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);

        string page = await client.GetStringAsync("/login");

        Assert.Contains($"<html lang=\"{lang}\">", page, StringComparison.Ordinal);
        Assert.Contains($">{signIn}</button>", page, StringComparison.Ordinal);
        Assert.Contains($"<label>{password} <input", page, StringComparison.Ordinal);
        // The switch offers every language, each named in itself.
        Assert.Contains(">Azərbaycanca</a>", page, StringComparison.Ordinal);
        Assert.Contains(">Русский</a>", page, StringComparison.Ordinal);
        Assert.Contains(">English</a>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LangSwitch_WinsOverTheBrowser_AndIsRemembered()
    {
        using var client = service.Client(null);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("az");

        using var switched = await client.GetAsync("/login?lang=ru");
        string cookie = switched.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(Localisation.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("<html lang=\"ru\">", await switched.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/login");
        again.Headers.Add("Cookie", cookie.Split(';')[0]);
        using var remembered = await client.SendAsync(again);
        string page = await remembered.Content.ReadAsStringAsync();

        Assert.Contains("<html lang=\"ru\">", page, StringComparison.Ordinal);
        Assert.Contains(">Войти</button>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongPassword_IsSaidInTheRequestsLanguage()
    {
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = service.BaseAddress };
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("az");
        string login = await client.GetStringAsync("/login");
        string token = TokenField().Match(login).Groups[1].Value;

        using var answer = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["name"] = "nobody-" + Guid.NewGuid().ToString("N")[..8],
            ["password"] = "wrong",
        }));

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Contains("İstifadəçi adı və ya parol yanlışdır.", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("az", "az")]
    [InlineData("ru", "ru")]
    [InlineData("fr", "en")]
    public async Task Me_SaysWhichCatalogueThePagesLoad(string acceptLanguage, string expected)
    {
        using var client = service.Client(Roles.Analyst);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);

        var me = await client.GetFromJsonAsync<JsonElement>("/api/me");

        Assert.Equal(expected, me.GetProperty("language").GetString());
    }

    [Theory]
    [InlineData("az", "Tapılmadı")]
    [InlineData("ru", "Не найдено")]
    [InlineData("en", "Not found")]
    public async Task ProblemTitles_AreInTheRequestsLanguage(string acceptLanguage, string title)
    {
        using var client = service.Client(Roles.Operator);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);

        using var answer = await client.GetAsync("/api/flights/fl-000000000000");
        var problem = await answer.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        Assert.Equal(title, problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task NotAllowedPage_IsInTheRequestsLanguage()
    {
        using var client = service.Client(Roles.Operator);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ru");

        using var answer = await client.GetAsync("/hangfire");
        string page = await answer.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        Assert.Contains("<html lang=\"ru\">", page, StringComparison.Ordinal);
        Assert.Contains("Нет доступа", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exports_AreTheSameInEveryLanguage()
    {
        // Only the UI language follows the reader: a Russian or Azerbaijani request must not get decimal commas.
        var csv = new Dictionary<string, string>();
        foreach (string lang in Localisation.Languages)
        {
            using var client = service.Client(Roles.Planner);
            client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(lang);
            await using var zip = await client.GetStreamAsync($"/api/flights/{service.DemoFlightId}/hazards?format=csv&layer=points");
            using var archive = new ZipArchive(zip);
            var entry = archive.Entries.First(e => e.Name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) && !e.Name.Contains("mapping", StringComparison.OrdinalIgnoreCase));
            using var reader = new StreamReader(entry.Open());
            csv[lang] = await reader.ReadToEndAsync();
        }

        Assert.Equal(csv["en"], csv["az"]);
        Assert.Equal(csv["en"], csv["ru"]);
        Assert.Matches(@",\d+\.\d+,", csv["ru"]);
    }

    [Fact]
    public async Task TheImsmaMapping_DescribesTheFieldsInTheReadersLanguage_AndKeepsTheCodes()
    {
        var mapping = new Dictionary<string, string[][]>();
        foreach (string lang in Localisation.Languages)
        {
            using var client = service.Client(Roles.Planner);
            client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(lang);
            await using var zip = await client.GetStreamAsync($"/api/flights/{service.DemoFlightId}/hazards?format=csv&layer=points");
            using var archive = new ZipArchive(zip);
            using var reader = new StreamReader(archive.Entries.Single(e => e.Name.EndsWith(".imsma-mapping.csv", StringComparison.Ordinal)).Open());
            mapping[lang] = (await reader.ReadToEndAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).ToArray();
        }

        // The same rows, field names and IMSMA targets in every language; only the descriptions change.
        Assert.Equal(mapping["en"].Select(r => (r[0], r[1])), mapping["ru"].Select(r => (r[0], r[1])));
        Assert.Equal(mapping["en"].Select(r => (r[0], r[1])), mapping["az"].Select(r => (r[0], r[1])));
        string Description(string lang, string field) => string.Join(',', mapping[lang].Single(r => r[0] == field)[4..]);
        Assert.Contains("90 %", Description("en", "r90_m"), StringComparison.Ordinal);
        Assert.Contains("вероятностью 90 %", Description("ru", "r90_m"), StringComparison.Ordinal);
        Assert.Contains("90 % ehtimalla", Description("az", "r90_m"), StringComparison.Ordinal);
    }

    [Fact]
    public void PhotoProblems_AreExplainedInTheUiLanguage()
    {
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("ru");
            string ru = PhotoProblemAdvice.For(DiagnosticCodes.NoGps);
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("az");
            string az = PhotoProblemAdvice.For(DiagnosticCodes.NoGps);

            Assert.Contains("GPS", ru, StringComparison.Ordinal);
            Assert.Matches("[а-яё]", ru);
            Assert.Contains("GPS", az, StringComparison.Ordinal);
            Assert.Matches("[əğıöüşç]", az);
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}

/// <summary>
/// The message catalogues: the pages' JSON ones (<c>wwwroot/i18n</c>) and the server's resource files
/// (<c>Resources/Texts*.resx</c>) hold the same keys in every language, none empty, with the same placeholders,
/// and plural messages with exactly the forms the language has.
/// </summary>
public sealed partial class MessageCatalogueTests
{
    private static readonly string I18nDir = Path.Combine(TestPaths.RepoRoot, "src", "DroneScan.Web", "wwwroot", "i18n");
    private static readonly string ResourcesDir = Path.Combine(TestPaths.RepoRoot, "src", "DroneScan.Web", "Resources");

    /// <summary>CLDR plural categories for cardinals (what Intl.PluralRules answers): en and az one/other; ru one/few/many/other.</summary>
    private static readonly Dictionary<string, string[]> PluralForms = new()
    {
        ["en"] = ["one", "other"],
        ["az"] = ["one", "other"],
        ["ru"] = ["few", "many", "one", "other"],
    };

    private static Dictionary<string, JsonElement> Catalogue(string lang)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(I18nDir, lang + ".json")));
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
    }

    /// <summary>The text forms of a message: itself, or each plural form.</summary>
    private static IEnumerable<string> Forms(JsonElement message) => message.ValueKind == JsonValueKind.Object
        ? message.EnumerateObject().Select(p => p.Value.GetString() ?? "")
        : [message.GetString() ?? ""];

    private static string[] Placeholders(IEnumerable<string> texts) =>
        texts.SelectMany(t => Placeholder().Matches(t).Select(m => m.Value)).Distinct().Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void EveryLanguage_HasAJsonCatalogue_AndNoOther()
    {
        var files = Directory.GetFiles(I18nDir, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(Localisation.Languages.Order(StringComparer.Ordinal).ToArray(), files);
    }

    [Theory]
    [InlineData("az")]
    [InlineData("ru")]
    public void JsonCatalogue_HasEveryEnglishKey_AndNoOther(string lang)
    {
        var english = Catalogue("en").Keys.Order(StringComparer.Ordinal).ToArray();
        var other = Catalogue(lang).Keys.Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(english.Except(other).ToArray(), Array.Empty<string>());
        Assert.Equal(other.Except(english).ToArray(), Array.Empty<string>());
    }

    [Theory]
    [InlineData("en")]
    [InlineData("az")]
    [InlineData("ru")]
    public void JsonCatalogue_HasNoEmptyMessage_AndPluralsHaveTheLanguagesForms(string lang)
    {
        foreach (var (key, message) in Catalogue(lang))
        {
            Assert.True(Forms(message).All(f => f.Trim().Length > 0), $"{lang}.json: {key} is empty");
            if (message.ValueKind == JsonValueKind.Object)
            {
                string[] forms = message.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
                Assert.True(PluralForms[lang].SequenceEqual(forms), $"{lang}.json: {key} has the forms {string.Join(", ", forms)}, not {string.Join(", ", PluralForms[lang])}");
                Assert.True(Forms(message).All(f => f.Contains("{count}", StringComparison.Ordinal)), $"{lang}.json: {key}: every plural form shows {{count}}");
            }
            else
            {
                Assert.Equal(JsonValueKind.String, message.ValueKind);
            }
        }
    }

    [Theory]
    [InlineData("az")]
    [InlineData("ru")]
    public void JsonCatalogue_FillsInTheSamePlaceholders_AsEnglish(string lang)
    {
        var english = Catalogue("en");
        foreach (var (key, message) in Catalogue(lang))
        {
            Assert.True(
                Placeholders(Forms(english[key])).SequenceEqual(Placeholders(Forms(message))),
                $"{lang}.json: {key} has {string.Join(" ", Placeholders(Forms(message)))}, English has {string.Join(" ", Placeholders(Forms(english[key])))}");
        }
    }

    [Fact]
    public void JsonCatalogues_SayNoFileParenS()
    {
        // Plurals are messages with forms, never "file(s)".
        foreach (string lang in Localisation.Languages)
        {
            Assert.DoesNotMatch(@"\w\(s\)", File.ReadAllText(Path.Combine(I18nDir, lang + ".json")));
        }
    }

    private static Dictionary<string, string> Resx(string suffix) =>
        XDocument.Load(Path.Combine(ResourcesDir, $"Texts{suffix}.resx")).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "", StringComparer.Ordinal);

    [Theory]
    [InlineData(".az")]
    [InlineData(".ru")]
    public void ServerTexts_HaveEveryKeyInEveryLanguage_NoneEmpty_SamePlaceholders(string suffix)
    {
        var english = Resx("");
        var other = Resx(suffix);

        Assert.Equal(english.Keys.Order(StringComparer.Ordinal).ToArray(), other.Keys.Order(StringComparer.Ordinal).ToArray());
        foreach (var (key, text) in other)
        {
            Assert.False(string.IsNullOrWhiteSpace(text), $"Texts{suffix}.resx: {key} is empty");
            Assert.Equal(FormatItem().Matches(english[key]).Select(m => m.Value).Order(StringComparer.Ordinal), FormatItem().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal));
        }
    }

    [GeneratedRegex(@"\{\w+\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex FormatItem();
}
