using DroneScan.Core.Photos;

namespace DroneScan.Web.Api;

/// <summary>
/// What an operator is told about a photo the service could not use: one short sentence per problem code saying
/// what happened and what to do in the service, never a command-line option. The file is named once, beside the
/// sentence, not inside it; the stored technical reason (which may quote an exception) stays in the store and logs.
/// </summary>
public static class PhotoProblemAdvice
{
    /// <summary>The flight-level sentence of a flight that ended without a single usable photo.</summary>
    public const string NoUsablePhoto = "No photo of this flight could be used, so nothing was searched. See each photo's problem below.";

    /// <summary>The sentence for a problem code (<see cref="DiagnosticCodes"/>, the loader's and the jobs' codes).</summary>
    public static string For(string code) => code switch
    {
        DiagnosticCodes.NoGps or DiagnosticCodes.GpsNoFix or DiagnosticCodes.InvalidCoordinates =>
            "The photo has no usable GPS position, so it cannot be placed on the map. Upload photos taken with GPS on.",
        DiagnosticCodes.NoAltitude or DiagnosticCodes.AltitudeNotPositive =>
            "The photo does not say how high above the ground it was taken. Upload the photos again with the flight height (or the ground elevation) under Processing settings.",
        DiagnosticCodes.UnknownCamera or DiagnosticCodes.CameraMismatch =>
            "The camera is not known, so the ground size of the photo cannot be worked out. Upload the photos again with the sensor width under Processing settings.",
        DiagnosticCodes.GimbalAboveHorizon =>
            "The camera was pointing above the horizon, so the photo shows no ground to search. Nothing to do.",
        DiagnosticCodes.Unreadable or "damaged-image" or "unsupported-format" or DiagnosticCodes.NoImageSize or DiagnosticCodes.NoMetadata =>
            "The file is damaged or is not a photo the service can read. Copy it from the drone's card again and upload it once more.",
        "duplicate" => "The same photo is in the upload twice; it was used once. Nothing to do.",
        "image-too-large" => "The photo is larger than the service accepts. Ask an administrator to raise the size limit.",
        "timeout" => "Reading the photo took too long. Upload it again; if it happens again, tell an administrator.",
        "hidden-file" => "The file name starts with a dot, so it was not read. Rename the file and upload it again.",
        "detector-error" or "processing-error" =>
            "Processing this photo failed. Upload it again later; if it fails again, tell an administrator.",
        _ => "The photo's data cannot place it on the ground, so it was not searched. Tell an administrator if many photos show this.",
    };
}
