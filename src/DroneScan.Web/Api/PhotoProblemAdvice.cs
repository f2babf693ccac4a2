using DroneScan.Core.Photos;
using DroneScan.Web.Hosting;

namespace DroneScan.Web.Api;

/// <summary>
/// What an operator is told about a photo the service could not use: one short sentence per problem code saying
/// what happened and what to do in the service, never a command-line option. The file is named once, beside the
/// sentence, not inside it; the stored technical reason (which may quote an exception) stays in the store and logs.
/// </summary>
public static class PhotoProblemAdvice
{
    /// <summary>The flight-level sentence of a flight that ended without a single usable photo.</summary>
    public static string NoUsablePhoto => Texts.Get("Photo_NoUsablePhoto");

    /// <summary>The sentence for a problem code (<see cref="DiagnosticCodes"/>, the loader's and the jobs' codes), in the
    /// request's language (<c>Resources/Texts*.resx</c>, keys <c>Photo_…</c>).</summary>
    public static string For(string code) => Texts.Get(code switch
    {
        DiagnosticCodes.NoGps or DiagnosticCodes.GpsNoFix or DiagnosticCodes.InvalidCoordinates => "Photo_NoGps",
        DiagnosticCodes.NoAltitude or DiagnosticCodes.AltitudeNotPositive => "Photo_NoAltitude",
        DiagnosticCodes.UnknownCamera or DiagnosticCodes.CameraMismatch => "Photo_UnknownCamera",
        DiagnosticCodes.GimbalAboveHorizon => "Photo_GimbalAboveHorizon",
        DiagnosticCodes.Unreadable or "damaged-image" or "unsupported-format" or DiagnosticCodes.NoImageSize or DiagnosticCodes.NoMetadata => "Photo_Unreadable",
        "duplicate" => "Photo_Duplicate",
        "image-too-large" => "Photo_TooLarge",
        "timeout" => "Photo_Timeout",
        "hidden-file" => "Photo_HiddenFile",
        "detector-error" or "processing-error" => "Photo_ProcessingError",
        _ => "Photo_Other",
    });
}
