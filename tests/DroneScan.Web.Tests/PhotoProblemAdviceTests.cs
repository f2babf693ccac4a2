using DroneScan.Core.Photos;
using DroneScan.Web.Api;

namespace DroneScan.Web.Tests;

/// <summary>Every problem code an operator can meet gets a sentence of what to do in the service.</summary>
public sealed class PhotoProblemAdviceTests
{
    public static TheoryData<string> Codes()
    {
        var codes = typeof(DiagnosticCodes).GetFields().Select(f => (string)f.GetValue(null)!)
            .Concat(["damaged-image", "unsupported-format", "duplicate", "image-too-large", "timeout", "hidden-file", "detector-error", "processing-error", "not-georeferenced"]);
        var data = new TheoryData<string>();
        foreach (var code in codes.Distinct())
        {
            data.Add(code);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void EveryCode_HasAShortSentence_WithNoCommandLineOption(string code)
    {
        string advice = PhotoProblemAdvice.For(code);

        Assert.DoesNotContain("--", advice, StringComparison.Ordinal);
        Assert.EndsWith(".", advice, StringComparison.Ordinal);
        Assert.InRange(advice.Length, 20, 240);
    }

    [Fact]
    public void NoAltitude_SaysWhatToDo_NotWhichFlagToPass()
    {
        string advice = PhotoProblemAdvice.For(DiagnosticCodes.NoAltitude);

        Assert.Contains("height", advice, StringComparison.Ordinal);
        Assert.DoesNotContain("agl", advice, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(PhotoProblemAdvice.For("something-new"), advice);
    }
}
