using System.Globalization;
using System.Resources;
using Microsoft.AspNetCore.Localization;

namespace DroneScan.Web.Hosting;

/// <summary>
/// The languages of the service: Azerbaijani (the working language of the mine action centre), Russian and English.
/// Each request's UI language comes, first to last, from <c>?lang=</c>, the remembered choice (a cookie, written
/// whenever <c>?lang=</c> names a language) and <c>Accept-Language</c>; English otherwise. Only the UI culture
/// changes: the formatting culture stays invariant, so nothing the service writes (JSON, CSV, GeoJSON, logs, file
/// names) changes with the reader's language; the pages format numbers and dates themselves (<c>Intl</c>).
/// </summary>
public static class Localisation
{
    /// <summary>The languages, the default first.</summary>
    public static readonly IReadOnlyList<string> Languages = ["en", "az", "ru"];

    /// <summary>The query parameter that switches the language (and remembers it).</summary>
    public const string QueryKey = "lang";

    /// <summary>The cookie that remembers the choice (ASP.NET Core's own format, <c>c=…|uic=…</c>).</summary>
    public static readonly string CookieName = CookieRequestCultureProvider.DefaultCookieName;

    /// <summary>The language of the current request (or of the thread), one of <see cref="Languages"/>.</summary>
    public static string Current => Languages.Contains(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName) ? CultureInfo.CurrentUICulture.TwoLetterISOLanguageName : Languages[0];

    /// <summary>
    /// Keeps the process's formatting culture invariant whatever the machine's locale (LANG): background work
    /// (Hangfire jobs, exports) formats numbers as files and the API need them. Called by the hosts as they start.
    /// </summary>
    public static void UseInvariantFormatting()
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
    }

    public static IServiceCollection AddDroneScanLocalisation(this IServiceCollection services)
    {
        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            var ui = Languages.Select(CultureInfo.GetCultureInfo).ToList();
            o.DefaultRequestCulture = new RequestCulture(CultureInfo.InvariantCulture, ui[0]);
            o.SupportedCultures = [CultureInfo.InvariantCulture];
            o.SupportedUICultures = ui;
            o.FallBackToParentUICultures = true;
            o.ApplyCurrentCultureToResponseHeaders = true;
            o.RequestCultureProviders =
            [
                new QueryStringRequestCultureProvider { QueryStringKey = QueryKey, UIQueryStringKey = QueryKey },
                new CookieRequestCultureProvider { CookieName = CookieName },
                new AcceptLanguageHeaderRequestCultureProvider(),
            ];
        });
        return services;
    }

    /// <summary>Sets each request's UI language; a <c>?lang=</c> naming one of <see cref="Languages"/> is remembered.</summary>
    public static WebApplication UseDroneScanLocalisation(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseRequestLocalization();
        app.Use((context, next) =>
        {
            if (context.Request.Query[QueryKey].ToString() is { Length: > 0 } wanted && Languages.Contains(wanted.ToLowerInvariant()))
            {
                context.Response.Cookies.Append(
                    CookieName,
                    CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(CultureInfo.InvariantCulture, CultureInfo.GetCultureInfo(wanted.ToLowerInvariant()))),
                    new CookieOptions { Path = "/", MaxAge = TimeSpan.FromDays(365), SameSite = SameSiteMode.Lax, HttpOnly = true, IsEssential = true });
            }

            return next(context);
        });
        return app;
    }
}

/// <summary>
/// The texts the server renders (sign-in page, the "not allowed" page, error titles, photo problems): resource
/// files <c>Resources/Texts.resx</c> (English), <c>Texts.az.resx</c>, <c>Texts.ru.resx</c>, looked up in the
/// request's UI language.
/// </summary>
public static class Texts
{
    private static readonly ResourceManager Resources = new("DroneScan.Web.Resources.Texts", typeof(Texts).Assembly);

    /// <summary>The text named <paramref name="name"/> in the current UI language (English when it has none).</summary>
    public static string Get(string name) =>
        Resources.GetString(name, CultureInfo.CurrentUICulture) ?? throw new InvalidOperationException($"no text named {name} in Resources/Texts.resx");

    /// <summary>The text with its <c>{0}</c> … filled in (numbers formatted invariantly: they are whole numbers).</summary>
    public static string Format(string name, params object[] args) => string.Format(CultureInfo.InvariantCulture, Get(name), args);
}
