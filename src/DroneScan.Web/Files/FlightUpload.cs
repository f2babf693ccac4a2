using System.IO.Compression;
using System.Security.Cryptography;
using DroneScan.Core.Flights;
using DroneScan.Storage;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace DroneScan.Web.Files;

/// <summary>An upload refused for what the client sent (HTTP 400); the message says which file and why.</summary>
public sealed class UploadRejectedException : Exception
{
    public UploadRejectedException()
    {
    }

    public UploadRejectedException(string message)
        : base(message)
    {
    }

    public UploadRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A file of an upload that was not kept, and why.</summary>
/// <param name="File">The name it was sent with (zip entries: the path inside the zip).</param>
/// <param name="Code"><c>not-a-photo</c>, <c>zip-in-zip</c>, <c>hidden-file</c> or <c>duplicate</c>.</param>
/// <param name="Reason">A sentence for the operator.</param>
public sealed record IgnoredFile(string File, string Code, string Reason);

/// <summary>What an upload held: the form fields and the photos written to the flight's folder.</summary>
/// <param name="Fields">Form fields (name, site, notes).</param>
/// <param name="Photos">Photos by content hash, first copy only.</param>
/// <param name="Ignored">Files not used: not photos, hidden files, or a second copy of a photo.</param>
/// <param name="DemFileName">The name of the DEM sent in the <c>dem</c> field (kept at <see cref="FlightFolders.DemPath"/>), or null.</param>
public sealed record UploadedFlight(IReadOnlyDictionary<string, string> Fields, IReadOnlyList<QueuedPhoto> Photos, IReadOnlyList<IgnoredFile> Ignored, string? DemFileName = null);

/// <summary>
/// Streams a multipart upload into a flight's folder: many photo files, or zips of them, hashing as it writes.
/// Limits (request size, photo count, zip entries and expanded size) and names are checked as it goes; zip entries
/// with absolute paths, '..' or symlinks reject the whole upload.
/// </summary>
public sealed class FlightUploadReader(FlightFolders folders, Hosting.UploadOptions limits)
{
    private const int UnixFileTypeMask = 0xF000;
    private const int UnixSymlink = 0xA000;

    private readonly Dictionary<string, string> fields = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, QueuedPhoto> photos = new(StringComparer.Ordinal);
    private readonly HashSet<string> paths = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> folderPaths = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<IgnoredFile> ignored = [];
    private string? demFileName;

    /// <summary>Reads the request into <paramref name="flightId"/>'s folder (created here).</summary>
    /// <exception cref="UploadRejectedException">Not multipart, a bad name, a bad zip, or a limit passed.</exception>
    public async Task<UploadedFlight> ReadAsync(HttpRequest request, string flightId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
        {
            throw new UploadRejectedException("expected multipart/form-data with fields name, site, notes and one or more photo files (or zips)");
        }

        string folder = folders.FlightFolder(flightId);
        Directory.CreateDirectory(folder);
        var reader = new MultipartReader(boundary, request.Body);
        while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
            {
                throw new UploadRejectedException("a multipart section has no Content-Disposition");
            }

            if (!disposition.IsFileDisposition())
            {
                string key = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                fields[key] = await ReadFieldAsync(section.Body, key, cancellationToken).ConfigureAwait(false);
                continue;
            }

            string fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "";
            if (string.Equals(HeaderUtilities.RemoveQuotes(disposition.Name).Value, "dem", StringComparison.OrdinalIgnoreCase))
            {
                await ReadDemAsync(section.Body, flightId, fileName, cancellationToken).ConfigureAwait(false);
            }
            else if (fileName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
            {
                await ReadZipAsync(section.Body, flightId, folder, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // A browser may send a folder's files with their relative paths; keep them, checked.
                await AddFileAsync(section.Body, flightId, fileName, long.MaxValue, cancellationToken).ConfigureAwait(false);
            }
        }

        if (photos.Count == 0)
        {
            throw new UploadRejectedException("no photos (JPEG, PNG or TIFF files) in the upload");
        }

        return new UploadedFlight(fields, photos.Values.OrderBy(p => p.RelativePath, StringComparer.Ordinal).ToList(), ignored, demFileName);
    }

    /// <summary>The flight's DEM (the <c>dem</c> file field): one GeoTIFF, kept apart from the photos; whether it is a
    /// DEM DroneScan reads is checked once the whole upload is in.</summary>
    private async Task ReadDemAsync(Stream body, string flightId, string fileName, CancellationToken cancellationToken)
    {
        if (demFileName is not null)
        {
            throw new UploadRejectedException("dem: give one DEM file");
        }

        string name = Path.GetFileName(fileName.Replace('\\', '/'));
        if (!name.EndsWith(".tif", StringComparison.OrdinalIgnoreCase) && !name.EndsWith(".tiff", StringComparison.OrdinalIgnoreCase))
        {
            throw new UploadRejectedException($"dem '{name}': give a single-band GeoTIFF (.tif or .tiff)");
        }

        string path = folders.DemPath(flightId);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        await using (file.ConfigureAwait(false))
        {
            await body.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
        }

        demFileName = name.Length > 0 ? name : "dem.tif";
    }

    private static async Task<string> ReadFieldAsync(Stream body, string key, CancellationToken cancellationToken)
    {
        // Read no more than the limit allows: a field is buffered in memory, and a client may send gigabytes of it.
        const int MaxChars = 4000;
        using var text = new StreamReader(body);
        char[] buffer = new char[MaxChars + 1];
        int length = 0;
        int n;
        while (length < buffer.Length && (n = await text.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
        {
            length += n;
        }

        return length > MaxChars ? throw new UploadRejectedException($"field '{key}' is longer than {MaxChars} characters") : new string(buffer, 0, length);
    }

    private async Task ReadZipAsync(Stream body, string flightId, string folder, CancellationToken cancellationToken)
    {
        // A zip needs seeking: park it beside the flight folder (not inside, where it would be listed as a file).
        string temp = Path.Combine(Path.GetDirectoryName(folder)!, $".upload-{flightId}-{Guid.NewGuid():N}.zip");
        try
        {
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
            await using (file.ConfigureAwait(false))
            {
                await body.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                file.Position = 0;
                ZipArchive zip;
                try
                {
                    zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
                }
                catch (InvalidDataException ex)
                {
                    throw new UploadRejectedException($"the zip cannot be read ({ex.Message})", ex);
                }

                using (zip)
                {
                    if (zip.Entries.Count > limits.MaxZipEntries)
                    {
                        throw new UploadRejectedException($"the zip has {zip.Entries.Count} entries; at most {limits.MaxZipEntries} are allowed");
                    }

                    // Check every entry before writing any: one bad entry rejects the zip.
                    long declared = 0;
                    foreach (var entry in zip.Entries)
                    {
                        CheckEntry(entry);
                        declared += entry.Length;
                    }

                    if (declared > limits.MaxZipUncompressedBytes)
                    {
                        throw new UploadRejectedException($"the zip expands to {declared} bytes; at most {limits.MaxZipUncompressedBytes} are allowed");
                    }

                    long budget = limits.MaxZipUncompressedBytes;
                    foreach (var entry in zip.Entries.Where(e => !e.FullName.EndsWith('/')))
                    {
                        var stream = entry.Open();
                        await using (stream.ConfigureAwait(false))
                        {
                            // Count real bytes too: the sizes in a zip's directory can lie.
                            budget -= await AddFileAsync(stream, flightId, entry.FullName, budget, cancellationToken).ConfigureAwait(false);
                        }
                    }
                }
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static void CheckEntry(ZipArchiveEntry entry)
    {
        string name = entry.FullName;
        if ((entry.ExternalAttributes >> 16 & UnixFileTypeMask) == UnixSymlink)
        {
            throw new UploadRejectedException($"zip entry '{name}': symbolic links are not allowed");
        }

        string path = name.EndsWith('/') ? name.TrimEnd('/') : name;
        if (path.Length > 0 && !FlightFolders.TryNormalise(path, out _, out string? problem)
            && !IsHidden(path))
        {
            throw new UploadRejectedException($"zip entry '{name}': {problem}");
        }
    }

    private static bool IsHidden(string path)
    {
        // Hidden files (.DS_Store, __MACOSX/._x) are skipped, but only when the path is otherwise harmless.
        var parts = path.Replace('\\', '/').Split('/');
        return !path.StartsWith('/') && !path.StartsWith('\\') && !(path.Length >= 2 && path[1] == ':')
            && parts.All(p => p is not ("" or "." or "..")) && parts.Any(p => p.StartsWith('.'));
    }

    /// <returns>Bytes written.</returns>
    private async Task<long> AddFileAsync(Stream source, string flightId, string name, long maxBytes, CancellationToken cancellationToken)
    {
        if (!FlightFolders.TryNormalise(name, out string relative, out string? problem))
        {
            if (IsHidden(name))
            {
                ignored.Add(new IgnoredFile(name, "hidden-file", "hidden file (its name or a folder's starts with '.'): not used"));
                return 0;
            }

            throw new UploadRejectedException($"file '{name}': {problem}");
        }

        if (!FlightFolders.IsPhoto(relative))
        {
            ignored.Add(relative.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)
                ? new IgnoredFile(relative, "zip-in-zip", "a zip inside a zip is not opened: upload it on its own")
                : new IgnoredFile(relative, "not-a-photo", "not a photo (JPEG, PNG or TIFF by its extension): not used"));
            return 0;
        }

        if (!paths.Add(relative))
        {
            throw new UploadRejectedException($"file '{relative}' appears twice in the upload");
        }

        // "a.jpg" and "a.jpg/b.jpg" cannot both be written: one would need a file and a folder of the same name.
        string[] parts = relative.Split('/');
        for (int i = 1; i < parts.Length; i++)
        {
            string folder = string.Join('/', parts[..i]);
            if (paths.Contains(folder))
            {
                throw new UploadRejectedException($"file '{relative}': '{folder}' is also a file in the upload");
            }

            folderPaths.Add(folder);
        }

        if (folderPaths.Contains(relative))
        {
            throw new UploadRejectedException($"file '{relative}': the upload also has a folder of that name");
        }

        if (photos.Count >= limits.MaxPhotos)
        {
            throw new UploadRejectedException($"more than {limits.MaxPhotos} photos in one flight");
        }

        string path = folders.PathOf(flightId, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long written = 0;
        var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        await using (target.ConfigureAwait(false))
        {
            byte[] buffer = new byte[81920];
            int n;
            while ((n = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                written += n;
                if (written > maxBytes)
                {
                    throw new UploadRejectedException($"the zip expands to more than {limits.MaxZipUncompressedBytes} bytes");
                }

                hash.AppendData(buffer, 0, n);
                await target.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            }
        }

        string photoId = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (!photos.TryAdd(photoId, new QueuedPhoto(photoId, relative)))
        {
            File.Delete(path);
            ignored.Add(new IgnoredFile(relative, "duplicate", $"the same bytes as '{photos[photoId].RelativePath}': used once"));
        }

        return written;
    }
}
