namespace DroneScan.Core.Photos;

/// <summary>
/// The kind of camera a photo comes from, and the kind a detection model is made for (<c>dronescan.sensor</c>):
/// automatic model choice runs each photo through a model of its sensor.
/// </summary>
public enum ImageSensor
{
    /// <summary>A visible-light colour camera (the default: most photos and older models).</summary>
    Rgb,

    /// <summary>A thermal (long-wave infrared) camera: DJI/FLIR radiometric frames, single-channel radiometric TIFFs.</summary>
    Thermal,
}
