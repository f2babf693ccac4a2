using DroneScan.Core.Geodesy;
using DroneScan.Core.Georeferencing;

namespace DroneScan.Core.Hazards;

/// <summary>
/// Merges the observations of one object across overlapping photos into one <see cref="HazardPoint"/>.
/// </summary>
/// <remarks>
/// <para>
/// Why not a plain distance threshold: without RTK a photo's absolute error is about 3 m, so a gate wide enough
/// to join the views of one mine would join two mines 0.8 m apart. But most of that error is the GNSS position
/// bias, which photos taken seconds apart share (<see cref="Observation.SharedSigmaM"/>): between two such photos
/// everything moves by nearly the same offset. So the clusterer estimates that offset for each pair of photos
/// from the objects both saw, and compares observations after removing it, with the much smaller relative error
/// σ_rel² = σa² + σb² − 2·shared² (floored at <see cref="ClusterOptions.RelativeSigmaFloorM"/>).
/// </para>
/// <para>
/// Steps, in a local metric ENU frame at the mean position: (1) candidates are pairs from two photos within the
/// absolute gate k·√(σa² + σb²) (pairs of incompatible classes only with <see cref="ClusterOptions.MergeOverlappingViews"/>,
/// and they link only within the same-object gate: the smaller ground-box radius); (2) per photo pair, the offset
/// b − a with the most one-to-one class-compatible inliers within the relative gate wins (ties: smaller residual, then the smaller offset, as the shared error
/// makes small offsets likelier), refined as the inlier mean — a lone candidate is its own offset;
/// (3) offset-corrected pairs within k·σ_rel become links, one-to-one per photo pair, greedy by distance;
/// (4) links are joined best supported first, then by distance (raw distance for photo pairs with a single
/// agreeing pair, whose offset is only that pair's own difference), and only when every member of one cluster
/// agrees with every member of the other (complete linkage: never two observations of one photo, all classes
/// compatible, within the relative gate wherever the photo pair's offset rests on two or more objects, and
/// elsewhere within the drift prior: the raw distance against the relative error plus the GNSS drift possible
/// between the two capture times, see <see cref="ClusterOptions.GnssCorrelationTimeS"/>). When in doubt it splits: a duplicate point costs a reviewer a click, a merged-away mine is lost.
/// </para>
/// <para>
/// Output is independent of input order: ids come from the content (<c>hp-</c> + 12 hex digits of SHA-256 over
/// the sorted "photoId:index" of the members) and points are ordered by maximum confidence, then id.
/// </para>
/// </remarks>
public static class HazardClusterer
{
    /// <summary>Clusters observations into hazard points; see the type remarks for the method.</summary>
    public static IReadOnlyList<HazardPoint> Cluster(IReadOnlyList<Observation> observations, ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(options);
        if (observations.Count == 0)
        {
            return [];
        }

        var sorted = observations
            .OrderBy(o => o.PhotoId, StringComparer.Ordinal)
            .ThenBy(o => o.DetectionIndex)
            .ToList();
        var frame = LocalFrame.Around(sorted.Select(o => o.Position));
        var nodes = new Node[sorted.Count];
        int photo = -1;
        for (int i = 0; i < sorted.Count; i++)
        {
            if (i == 0 || !string.Equals(sorted[i].PhotoId, sorted[i - 1].PhotoId, StringComparison.Ordinal))
            {
                photo++;
            }

            nodes[i] = new Node(i, photo, sorted[i], frame.ToLocal(sorted[i].Position), RadiusM(sorted[i], frame));
        }

        var gates = new Gates(options);
        var pairs = FindCandidates(nodes, options, gates);
        var links = new List<Link>();
        var offsets = new Dictionary<(int, int), (double Dx, double Dy)>();
        foreach (var (key, candidates) in pairs.OrderBy(p => p.Key))
        {
            // Only same-class (compatible) pairs measure the offset: a pair of views the model called differently
            // may be two objects, and a lone one would be taken as its own offset.
            var compatible = candidates.Where(c => !c.CrossClass).ToList();
            var (dx, dy, support) = compatible.Count > 0 ? EstimateOffset(compatible, gates) : (0, 0, 0);
            if (support >= 2 && Dist(dx, dy) > gates.K * gates.Prior(candidates[0].A, candidates[0].B))
            {
                // An offset larger than the GNSS drift between these photos allows is a coincidence of
                // mismatched pairs, not a measurement: fall back to the prior (offset 0 within the drift).
                (dx, dy, support) = (0, 0, 1);
            }

            if (support >= 2)
            {
                offsets[key] = (dx, dy);
            }

            links.AddRange(LinkPair(candidates, dx, dy, support, gates));
        }

        links.Sort(static (x, y) =>
        {
            int c = y.Support.CompareTo(x.Support);
            if (c == 0)
            {
                c = x.SortKeyM.CompareTo(y.SortKeyM);
            }

            if (c == 0)
            {
                c = x.A.CompareTo(y.A);
            }

            return c == 0 ? x.B.CompareTo(y.B) : c;
        });

        var clusters = Join(nodes, links, offsets, options, gates);
        return [.. clusters
            .Where(c => c.Count >= options.MinObservations)
            .Select(c => ToHazardPoint(c, frame, options))
            .OrderByDescending(h => h.MaxConfidence)
            .ThenBy(h => h.Id, StringComparer.Ordinal)];
    }

    /// <summary>Class-compatible pairs of observations from different photos within the absolute gate, grouped by
    /// photo pair (lower photo first). A sweep along east keeps this near-linear for a flight.</summary>
    private static Dictionary<(int, int), List<Candidate>> FindCandidates(Node[] nodes, ClusterOptions options, Gates gates)
    {
        double maxSigma = nodes.Max(n => n.SigmaM);
        double reach = gates.K * Math.Sqrt(2) * maxSigma;
        var byEast = nodes.OrderBy(n => n.X).ThenBy(n => n.Index).ToArray();
        var pairs = new Dictionary<(int, int), List<Candidate>>();
        for (int i = 0; i < byEast.Length; i++)
        {
            for (int j = i + 1; j < byEast.Length && byEast[j].X - byEast[i].X <= reach; j++)
            {
                var (a, b) = byEast[i].Photo < byEast[j].Photo ? (byEast[i], byEast[j]) : (byEast[j], byEast[i]);
                bool crossClass = !options.AreCompatible(a.Obs.ClassName, b.Obs.ClassName);
                if (a.Photo == b.Photo || (crossClass && !(options.MergeOverlappingViews && a.RadiusM is not null && b.RadiusM is not null)))
                {
                    continue;
                }

                double dx = b.X - a.X, dy = b.Y - a.Y;
                if (Math.Sqrt((dx * dx) + (dy * dy)) > gates.Absolute(a, b))
                {
                    continue;
                }

                if (!pairs.TryGetValue((a.Photo, b.Photo), out var list))
                {
                    pairs[(a.Photo, b.Photo)] = list = [];
                }

                list.Add(new Candidate(a, b, dx, dy, gates.Relative(a, b), crossClass));
            }
        }

        foreach (var list in pairs.Values)
        {
            list.Sort(static (x, y) => x.A.Index != y.A.Index ? x.A.Index.CompareTo(y.A.Index) : x.B.Index.CompareTo(y.B.Index));
        }

        return pairs;
    }

    /// <summary>The offset between two photos (b − a, metres) by consensus: each candidate's own offset is tried,
    /// and scores the number of candidates agreeing with it within k·√(σ_rel,c² + σ_rel,j²) (two independent
    /// offsets), each observation used once — so a crossed pair (a1→b2) cannot borrow support from a1→b1.</summary>
    private static (double Dx, double Dy, int Support) EstimateOffset(List<Candidate> candidates, Gates gates)
    {
        if (candidates.Count == 1)
        {
            return (candidates[0].Dx, candidates[0].Dy, 1);
        }

        (double Dx, double Dy, int Count, double Residual) best = (0, 0, 0, double.MaxValue);
        var usedA = new HashSet<int>();
        var usedB = new HashSet<int>();
        foreach (var c in candidates)
        {
            usedA.Clear();
            usedB.Clear();
            double sx = 0, sy = 0, residual = 0;
            int count = 0;
            foreach (var (other, r) in candidates
                .Select(o => (o, Dist(o.Dx - c.Dx, o.Dy - c.Dy)))
                .Where(t => t.Item2 <= gates.K * Math.Sqrt((t.o.SigmaRelM * t.o.SigmaRelM) + (c.SigmaRelM * c.SigmaRelM)))
                .OrderBy(t => t.Item2))
            {
                if (usedA.Add(other.A.Index) && usedB.Add(other.B.Index))
                {
                    sx += other.Dx;
                    sy += other.Dy;
                    residual += r;
                    count++;
                }
            }

            double mx = sx / count, my = sy / count;
            bool better = count > best.Count
                || (count == best.Count && residual < best.Residual - 1e-9)
                || (count == best.Count && Math.Abs(residual - best.Residual) <= 1e-9 && Dist(mx, my) < Dist(best.Dx, best.Dy));
            if (better)
            {
                best = (mx, my, count, residual);
            }
        }

        return (best.Dx, best.Dy, best.Count);
    }

    private static IEnumerable<Link> LinkPair(List<Candidate> candidates, double dx, double dy, int support, Gates gates)
    {
        var usedA = new HashSet<int>();
        var usedB = new HashSet<int>();
        // Without an offset backed by two or more objects, pairs go nearest first (raw distance), and a pair of views of
        // different classes is measured by its own distance: a lone offset comes from a same-class pair that may be
        // two other objects.
        foreach (var (c, r) in candidates
            .Select(c => (c, c.CrossClass && support < 2 ? Dist(c.Dx, c.Dy) : Dist(c.Dx - dx, c.Dy - dy)))
            .Where(t => t.Item2 <= gates.K * t.c.SigmaRelM)
            .OrderBy(t => support >= 2 ? t.Item2 : Dist(t.c.Dx, t.c.Dy)))
        {
            if (support < 2 && Dist(c.Dx, c.Dy) > gates.K * gates.Prior(c.A, c.B))
            {
                continue;
            }

            if (c.CrossClass && r > SameObjectGateM(c.A, c.B))
            {
                continue;
            }

            if (usedA.Add(c.A.Index) && usedB.Add(c.B.Index))
            {
                // A lone agreeing pair fits its own offset exactly, so its corrected distance (0) says nothing;
                // such links are ranked by their raw distance, nearest neighbour first.
                yield return new Link(c.A.Index, c.B.Index, support >= 2 ? r : Dist(c.Dx, c.Dy), support);
            }
        }
    }

    /// <summary>Union of linked observations, best links first, under complete linkage (see the type remarks).</summary>
    private static List<List<Node>> Join(Node[] nodes, List<Link> links, Dictionary<(int, int), (double Dx, double Dy)> offsets, ClusterOptions options, Gates gates)
    {
        var clusterOf = new List<Node>[nodes.Length];
        for (int i = 0; i < nodes.Length; i++)
        {
            clusterOf[i] = [nodes[i]];
        }

        foreach (var link in links)
        {
            var ca = clusterOf[link.A];
            var cb = clusterOf[link.B];
            if (ReferenceEquals(ca, cb) || !Agree(ca, cb, offsets, options, gates))
            {
                continue;
            }

            ca.AddRange(cb);
            foreach (var n in cb)
            {
                clusterOf[n.Index] = ca;
            }
        }

        return [.. clusterOf.Distinct()];
    }

    private static bool Agree(List<Node> ca, List<Node> cb, Dictionary<(int, int), (double Dx, double Dy)> offsets, ClusterOptions options, Gates gates)
    {
        double priorGate = double.MaxValue;
        foreach (var x in ca)
        {
            foreach (var y in cb)
            {
                if (x.Photo == y.Photo)
                {
                    return false;
                }

                var (a, b) = x.Photo < y.Photo ? (x, y) : (y, x);
                if (!options.AreCompatible(x.Obs.ClassName, y.Obs.ClassName))
                {
                    // Different classes: one object only where the two views occupy the same ground.
                    bool measured = offsets.TryGetValue((a.Photo, b.Photo), out var o);
                    double d = measured ? Dist(b.X - a.X - o.Dx, b.Y - a.Y - o.Dy) : Dist(b.X - a.X, b.Y - a.Y);
                    if (!options.MergeOverlappingViews || d > SameObjectGateM(a, b) || d > gates.K * gates.Relative(a, b))
                    {
                        return false;
                    }

                    continue;
                }

                // Offsets backed by two or more objects constrain tightly; otherwise the drift prior does.
                if (offsets.TryGetValue((a.Photo, b.Photo), out var offset))
                {
                    if (Dist(b.X - a.X - offset.Dx, b.Y - a.Y - offset.Dy) > gates.K * gates.Relative(a, b))
                    {
                        return false;
                    }
                }
                else
                {
                    priorGate = Math.Min(priorGate, gates.K * gates.Prior(a, b));
                }
            }
        }

        // Where no offset was measured, the two groups' centres must agree within the drift prior (centroid, not
        // complete, linkage: views with independent errors spread wider than any one pair's gate).
        return priorGate == double.MaxValue
            || Dist(ca.Average(n => n.X) - cb.Average(n => n.X), ca.Average(n => n.Y) - cb.Average(n => n.Y)) <= priorGate;
    }

    private static HazardPoint ToHazardPoint(List<Node> members, LocalFrame frame, ClusterOptions options)
    {
        members.Sort(static (x, y) => x.Index.CompareTo(y.Index));

        // Inverse-variance weighted mean. Its error: the shared GNSS part does not average out (every member
        // carries nearly the same bias), only the independent remainder shrinks with the number of views.
        double sw = 0, sx = 0, sy = 0, sz = 0;
        foreach (var n in members)
        {
            double w = PointUncertainty.Weight(n.SigmaM);
            sw += w;
            sx += w * n.X;
            sy += w * n.Y;
            sz += w * n.Z;
        }

        double variance = PointUncertainty.Variances(members.Select(n => n.Obs), options.RelativeSigmaFloorM).AbsoluteM2;
        var position = frame.ToGeo(new Enu(sx / sw, sy / sw, sz / sw));
        var circular = HorizontalUncertainty.FromCovariance(variance, 0, variance);

        var votes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var scoreByClass = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var n in members)
        {
            votes[n.Obs.ClassName] = votes.GetValueOrDefault(n.Obs.ClassName) + 1;
            scoreByClass[n.Obs.ClassName] = scoreByClass.GetValueOrDefault(n.Obs.ClassName) + n.Obs.Confidence;
        }

        string winner = votes.Keys
            .OrderByDescending(c => votes[c])
            .ThenByDescending(c => scoreByClass[c])
            .ThenBy(c => c, StringComparer.Ordinal)
            .First();
        var observations = members.Select(n => n.Obs).ToList();
        string id = StableId.From("hp-", observations.Select(o => $"{o.PhotoId}:{o.DetectionIndex}"));
        return new HazardPoint(
            id,
            position,
            winner,
            votes,
            observations.Max(o => o.Confidence),
            observations.Average(o => o.Confidence),
            observations,
            circular.SigmaM,
            circular.R90M);
    }

    private static double Dist(double dx, double dy) => Math.Sqrt((dx * dx) + (dy * dy));

    /// <summary>How far apart two views of different classes may be and still be one object: the smaller of their
    /// ground boxes' radii (no gate, 0, when either has no ground box).</summary>
    private static double SameObjectGateM(Node a, Node b) =>
        a.RadiusM is { } ra && b.RadiusM is { } rb ? Math.Min(ra, rb) : 0;

    /// <summary>The ground box's radius: metres from the observation's position to its farthest corner.</summary>
    private static double? RadiusM(Observation obs, LocalFrame frame)
    {
        if (obs.GroundBox is null || obs.GroundBox.IsEmpty)
        {
            return null;
        }

        var centre = frame.ToLocal(obs.Position);
        double radius = 0;
        foreach (var c in obs.GroundBox.ExteriorRing.Coordinates)
        {
            var corner = frame.ToLocal(new GeoPoint(c.Y, c.X));
            radius = Math.Max(radius, Dist(corner.EastM - centre.EastM, corner.NorthM - centre.NorthM));
        }

        return radius;
    }

    /// <summary>An observation in the local frame. <see cref="SharedM"/> is capped at the total: a photo cannot
    /// share more error than it has.</summary>
    private sealed class Node(int index, int photo, Observation obs, Enu local, double? radiusM)
    {
        public int Index { get; } = index;

        public int Photo { get; } = photo;

        public Observation Obs { get; } = obs;

        public double X { get; } = local.EastM;

        public double Y { get; } = local.NorthM;

        public double Z { get; } = local.UpM;

        public double SigmaM { get; } = obs.Uncertainty.SigmaM;

        public double SharedM { get; } = PointUncertainty.SharedM(obs);

        /// <summary>Radius of the ground box, m (null without one).</summary>
        public double? RadiusM { get; } = radiusM;
    }

    private sealed class Gates(ClusterOptions options)
    {
        public double K { get; } = options.GateSigmas;

        public double Absolute(Node a, Node b) => K * Math.Sqrt((a.SigmaM * a.SigmaM) + (b.SigmaM * b.SigmaM));

        /// <summary>σ_rel = √(σa² + σb² − 2·shared²), shared = the smaller shared part, floored.</summary>
        public double Relative(Node a, Node b)
        {
            double shared = Math.Min(a.SharedM, b.SharedM);
            double v = (a.SigmaM * a.SigmaM) + (b.SigmaM * b.SigmaM) - (2 * shared * shared);
            return Math.Sqrt(Math.Max(v, options.RelativeSigmaFloorM * options.RelativeSigmaFloorM));
        }

        /// <summary>
        /// 1-σ of the raw distance between two views of one object when no offset could be measured: the relative
        /// error plus how far the shared GNSS error can have drifted between the two capture times
        /// (√2·shared·√(1 − e^(−Δt/τ)); fully independent, √2·shared, when a time is missing). Without times this
        /// equals the absolute √(σa² + σb²).
        /// </summary>
        public double Prior(Node a, Node b)
        {
            double shared = Math.Min(a.SharedM, b.SharedM);
            double fraction = 1;
            if (a.Obs.CaptureTime is { } ta && b.Obs.CaptureTime is { } tb && options.GnssCorrelationTimeS > 0)
            {
                double dt = Math.Abs((ta - tb).TotalSeconds);
                fraction = 1 - Math.Exp(-dt / options.GnssCorrelationTimeS);
            }

            double rel = Relative(a, b);
            return Math.Sqrt((rel * rel) + (2 * shared * shared * fraction));
        }
    }

    /// <summary>A pair of views within the absolute gate; <see cref="CrossClass"/> when their classes are not
    /// compatible (then only the same-object gate can link them).</summary>
    private sealed record Candidate(Node A, Node B, double Dx, double Dy, double SigmaRelM, bool CrossClass);

    /// <summary>A link; <see cref="SortKeyM"/> is the offset-corrected distance when the photo pair's offset has
    /// two or more inliers, else the raw distance.</summary>
    private sealed record Link(int A, int B, double SortKeyM, int Support);
}
