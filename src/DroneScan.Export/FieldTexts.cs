using System.Globalization;
using System.Resources;

namespace DroneScan.Export;

/// <summary>
/// The export fields' descriptions in the languages of the users (Resources/FieldTexts.az.resx, .ru.resx), keyed
/// <c>layer_field</c> (<c>points_r90_m</c>, <c>areas_id</c>; <c>geometry_latitude</c>, <c>geometry_longitude</c>,
/// <c>geometry_wkt</c> for the coordinate columns). English is the text in <see cref="ExportSchema"/>, written once.
/// </summary>
internal static class FieldTexts
{
    private static readonly ResourceManager Resources = new("DroneScan.Export.Resources.FieldTexts", typeof(FieldTexts).Assembly);

    /// <summary>The resource key of a field of a layer.</summary>
    public static string Key(ExportLayer layer, string field) => layer switch
    {
        ExportLayer.Points => "points_",
        ExportLayer.Coverage => "coverage_",
        _ => "areas_",
    } + field;

    /// <summary>The description in <paramref name="language"/>, or <paramref name="english"/> where there is none
    /// (the neutral resources hold no text, so English, the invariant culture and untranslated languages fall to it).</summary>
    public static string Describe(string key, string english, CultureInfo? language) =>
        language is not null && Resources.GetString(key, language) is { Length: > 0 } text ? text : english;
}
