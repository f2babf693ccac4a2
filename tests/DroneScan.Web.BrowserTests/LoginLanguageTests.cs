using System.Text.Json;
using Microsoft.Playwright;

namespace DroneScan.Web.BrowserTests;

/// <summary>The real sign-in page (server-rendered) in each language, on a phone: its language from the browser, the
/// switch to the others, no sideways scrolling, targets big enough to touch.</summary>
[Collection(LiveServiceGroup.Name)]
public sealed class LoginLanguageTests(LiveServiceFixture service, BrowserFixture browser)
{
    [Theory]
    [InlineData("az-AZ", "az", "Daxil ol", "Русский", "ru", "Войти")]
    [InlineData("ru-RU", "ru", "Войти", "English", "en", "Sign in")]
    [InlineData("en-GB", "en", "Sign in", "Azərbaycanca", "az", "Daxil ol")]
    public async Task Login_page_speaks_the_browsers_language_switches_and_fits_a_phone(
        string locale, string lang, string signIn, string other, string otherLang, string otherSignIn)
    {
        var context = await browser.Browser.NewContextAsync(new() { BaseURL = service.BaseUrl, Locale = locale, ViewportSize = new() { Width = 390, Height = 844 } });
        context.SetDefaultTimeout(15_000);
        await using var w = await WatchedPage.WrapAsync(context);
        var page = w.Page;

        await page.GotoAsync("login");
        Assert.Equal(lang, await page.EvaluateAsync<string>("() => document.documentElement.lang"));
        await Assertions.Expect(page.Locator("form button[type=submit]")).ToHaveTextAsync(signIn);
        await w.ScreenshotAsync($"login-{lang}-390.png");

        var sizes = await page.EvaluateAsync<JsonElement>("() => ({ scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth })");
        Assert.True(sizes.GetProperty("scroll").GetInt32() <= sizes.GetProperty("inner").GetInt32(), $"login ({lang}) is {sizes.GetProperty("scroll").GetInt32()} px wide");
        foreach (var box in await Task.WhenAll((await page.Locator("nav.languages a, form button, form input:not([type=hidden])").AllAsync()).Select(l => l.BoundingBoxAsync())))
        {
            Assert.NotNull(box);
            Assert.True(box.Height >= 44, $"a target of the login page ({lang}) is {box.Height} px high");
        }

        await page.Locator("nav.languages a", new() { HasText = other }).ClickAsync();
        await Assertions.Expect(page.Locator("form button[type=submit]")).ToHaveTextAsync(otherSignIn);
        Assert.Equal(otherLang, await page.EvaluateAsync<string>("() => document.documentElement.lang"));
        w.AssertClean();
    }
}
