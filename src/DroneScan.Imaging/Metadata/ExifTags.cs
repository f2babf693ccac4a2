namespace DroneScan.Imaging.Metadata;

/// <summary>EXIF tag numbers DroneScan reads (TIFF/EXIF 2.32), by number so that the meaning is unambiguous.</summary>
internal static class ExifTags
{
    public const int ImageWidth = 0x0100;
    public const int ImageHeight = 0x0101;
    public const int Make = 0x010F;
    public const int Model = 0x0110;
    public const int Orientation = 0x0112;
    public const int DateTimeOriginal = 0x9003;
    public const int OffsetTimeOriginal = 0x9011;
    public const int SubSecTimeOriginal = 0x9291;
    public const int FocalLength = 0x920A;
    public const int FocalLengthIn35mmFormat = 0xA405;

    public const int GpsLatitudeRef = 0x0001;
    public const int GpsLatitude = 0x0002;
    public const int GpsLongitudeRef = 0x0003;
    public const int GpsLongitude = 0x0004;
    public const int GpsAltitudeRef = 0x0005;
    public const int GpsAltitude = 0x0006;
    public const int GpsTimeStamp = 0x0007;
    public const int GpsImgDirection = 0x0011;
    public const int GpsDateStamp = 0x001D;
    public const int GpsHPositioningError = 0x001F;

    // DJI MakerNotes (older cameras: FC300X, FC350): float32 angles in degrees.
    public const int DjiCameraPitch = 0x0009;
    public const int DjiCameraYaw = 0x000A;
    public const int DjiCameraRoll = 0x000B;
}

/// <summary>XMP namespaces DroneScan reads.</summary>
internal static class XmpNamespaces
{
    public const string Dji = "http://www.dji.com/drone-dji/1.0/";
    public const string Pix4D = "http://pix4d.com/camera/1.0/";
    public const string SenseFly = "http://ns.sensefly.com/sensefly/1.0/";
}
