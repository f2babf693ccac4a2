namespace DroneScan.Detection.Tests;

public class ModelMetadataParserTests
{
    [Fact]
    public void ParseNames_ReadsAPythonDict_WithEitherQuote()
    {
        Assert.Equal(["ap_mine", "uxo"], ModelMetadataParser.ParseNames("{0: 'ap_mine', 1: \"uxo\"}"));
    }

    [Fact]
    public void ParseNames_OrdersByIndex()
    {
        Assert.Equal(["a", "b", "c"], ModelMetadataParser.ParseNames("{2: 'c', 0: 'a', 1: 'b'}"));
    }

    [Fact]
    public void ParseNames_KeepsSpacesInsideNames()
    {
        Assert.Equal(["anti personnel", "uxo"], ModelMetadataParser.ParseNames("{0: 'anti personnel', 1: 'uxo'}"));
    }

    [Theory]
    [InlineData("{0: 'a', 2: 'b'}")]   // gap at 1
    [InlineData("{1: 'a', 2: 'b'}")]   // does not start at 0
    [InlineData("['a', 'b']")]         // a list, no indices
    [InlineData("{}")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void ParseNames_ReturnsNull_WhenNotAGaplessClassDictionary(string? text)
    {
        Assert.Null(ModelMetadataParser.ParseNames(text));
    }

    [Theory]
    [InlineData("[640, 640]", 640)]
    [InlineData("640", 640)]
    [InlineData("[320,320]", 320)]
    public void ParseImageSize_ReadsASquareSize(string text, int expected)
    {
        Assert.Equal(expected, ModelMetadataParser.ParseImageSize(text));
    }

    [Theory]
    [InlineData("[640, 480]")]   // not square
    [InlineData("[0, 0]")]       // not positive
    [InlineData("none")]
    [InlineData("")]
    [InlineData(null)]
    public void ParseImageSize_ReturnsNull_WhenNotASquarePositiveSize(string? text)
    {
        Assert.Null(ModelMetadataParser.ParseImageSize(text));
    }

    [Fact]
    public void ParseInt_AndParseDouble_AreInvariantAndStrict()
    {
        Assert.Equal(32, ModelMetadataParser.ParseInt(" 32 "));
        Assert.Null(ModelMetadataParser.ParseInt("32.5"));
        Assert.Null(ModelMetadataParser.ParseInt(null));
        Assert.Equal(0.01, ModelMetadataParser.ParseDouble("0.01"));
        Assert.Null(ModelMetadataParser.ParseDouble("0,01"));
        Assert.Null(ModelMetadataParser.ParseDouble("0"));     // a GSD must be positive
        Assert.Null(ModelMetadataParser.ParseDouble("-0.01"));
        Assert.Null(ModelMetadataParser.ParseDouble("NaN"));
        Assert.Null(ModelMetadataParser.ParseDouble("Infinity"));
    }

    [Fact]
    public void ParseItemTypes_ReadsClassToItemTypeArrays()
    {
        var types = ModelMetadataParser.ParseItemTypes("{\"ap_mine\": [\"PFM-1\", \"PMN-2\"], \"uxo\": [\"M77\"]}");

        Assert.Equal(2, types.Count);
        Assert.Equal(["PFM-1", "PMN-2"], types["ap_mine"]);
        Assert.Equal(["M77"], types["uxo"]);
    }

    [Fact]
    public void ParseItemTypes_SkipsNonArrayValues_AndNonStringItems()
    {
        var types = ModelMetadataParser.ParseItemTypes("{\"ap_mine\": [\"PFM-1\", 3, null], \"uxo\": \"M77\"}");

        Assert.Equal(["PFM-1"], Assert.Single(types).Value);
    }

    [Theory]
    [InlineData("{\"ap_mine\": [\"PFM-1\"")]   // truncated
    [InlineData("not json")]
    [InlineData("[\"PFM-1\"]")]               // an array, not an object
    [InlineData("")]
    [InlineData(null)]
    public void ParseItemTypes_ReturnsEmpty_WhenMalformed(string? json)
    {
        Assert.Empty(ModelMetadataParser.ParseItemTypes(json));
    }

    [Theory]
    [InlineData("0.05", 0.05)]
    [InlineData(" 1 ", 1.0)]
    [InlineData("0", 0.0)]
    [InlineData("2.5e-1", 0.25)]
    public void ParseNumber_ReadsAnInvariantNumberInRange(string text, double expected)
    {
        Assert.Equal(expected, ModelMetadataParser.ParseNumber(text, "k", 0, 1));
    }

    [Fact]
    public void ParseNumber_IsNull_WhenTheKeyIsAbsent()
    {
        Assert.Null(ModelMetadataParser.ParseNumber(null, "k", 0, 1));
    }

    [Theory]
    [InlineData("1.5", false, "[0, 1]")]
    [InlineData("-0.1", false, "[0, 1]")]
    [InlineData("NaN", false, "[0, 1]")]
    [InlineData("0,3", false, "[0, 1]")]   // a decimal comma is not a number here
    [InlineData("", false, "[0, 1]")]
    [InlineData("0", true, "(0, 1]")]
    public void ParseNumber_Throws_NamingKeyRangeAndValue(string text, bool minExclusive, string range)
    {
        var ex = Assert.Throws<FormatException>(() => ModelMetadataParser.ParseNumber(text, "dronescan.x", 0, 1, minExclusive));

        Assert.Equal($"metadata 'dronescan.x' must be a number in {range}, not '{text}'", ex.Message);
    }
}
