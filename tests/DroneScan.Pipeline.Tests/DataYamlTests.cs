using DroneScan.Pipeline.Evaluate;

namespace DroneScan.Pipeline.Tests;

public class DataYamlTests
{
    private const string File = "ds/data.yaml";

    [Theory]
    [InlineData("names: [ap_mine, at_mine, uxo]")]
    [InlineData("path: ../datasets/mines\ntrain: images/train\nnames: ['ap_mine', \"at_mine\", uxo]  # three classes\n")]
    [InlineData("names: [ap_mine,\n  at_mine,\n  uxo]\n")]
    [InlineData("names:\n  - ap_mine\n  - at_mine\n  # a comment line\n  - uxo\nnc: 3\n")]
    [InlineData("names:\n- ap_mine\n- at_mine\n- uxo\n")]
    [InlineData("nc: 3\nnames:\n  0: ap_mine\n  1: 'at_mine'\n  2: uxo\ntest: images/test\n")]
    [InlineData("names:\r\n  2: uxo\r\n  0: ap_mine\r\n  1: at_mine\r\n")]
    [InlineData("names: {0: ap_mine, 1: at_mine, 2: uxo}")]
    public void Names_AreReadFromEveryFormUltralyticsWrites(string yaml)
    {
        Assert.Equal(["ap_mine", "at_mine", "uxo"], DataYaml.ParseNames(yaml, File));
    }

    [Fact]
    public void QuotedNames_KeepCommasHashesAndApostrophes()
    {
        Assert.Equal(["mine, AP", "uxo #2", "it's"], DataYaml.ParseNames("names: ['mine, AP', \"uxo #2\", 'it''s']", File));
        Assert.Equal(["mine's"], DataYaml.ParseNames("names:\n  - mine's\n", File));
    }

    [Fact]
    public void AnIndentedNamesKey_IsNotTheTopLevelOne()
    {
        Assert.Equal(["a"], DataYaml.ParseNames("download:\n  names: [x, y]\nnames: [a]\n", File));
    }

    [Theory]
    [InlineData("train: images\n", "ds/data.yaml: no 'names:'")]
    [InlineData("nc: 2\nnames: [a, b, c]\n", "ds/data.yaml:1: nc is 2 but 'names' lists 3 classes")]
    [InlineData("names:\n  0: a\n  2: c\n", "ds/data.yaml: names indices must run 0, 1, 2")]
    [InlineData("names:\n  0: a\n  0: b\n", "ds/data.yaml:3: names gives class 0 twice")]
    [InlineData("names:\n  zero: a\n", "ds/data.yaml:2: names entry 'zero: a' is not 'index: name'")]
    [InlineData("names: [a, b\n", "ds/data.yaml:1: names: the '[' is never closed")]
    [InlineData("names: a b\n", "ds/data.yaml:1: names must be a list")]
    [InlineData("names:\ntrain: x\n", "ds/data.yaml:1: names is empty")]
    [InlineData("names: [a, b, c]\nnc: three\n", "ds/data.yaml:2: nc 'three' is not a number of classes")]
    [InlineData("names: [a, '', c]\n", "ds/data.yaml:1: a class name is empty")]
    [InlineData("names:\n  - a\n  - [b, c]\n", "ds/data.yaml:3: a class name must be text")]
    [InlineData("names: [a, b}\n", "ds/data.yaml:1: names: the '[' list is not valid YAML")]
    [InlineData("names:\n  - a\n - b\n", "ds/data.yaml:3: not valid YAML: ")]
    [InlineData("names: 'a\n", "ds/data.yaml:1: not valid YAML: ")]
    public void Mistakes_AreNamedWithFileAndLine(string yaml, string message)
    {
        var ex = Assert.Throws<DatasetException>(() => DataYaml.ParseNames(yaml, File));

        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }
}
