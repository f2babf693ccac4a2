using System.Security.Claims;
using DroneScan.Core.Flights;
using DroneScan.Storage;
using DroneScan.Web.Auth;

namespace DroneScan.Web.Api;

/// <summary><c>/api/users</c> (admin): list, create (password and token shown once), reset the password (shown once), issue and revoke tokens, disable.</summary>
public static class UserEndpoints
{
    public static IEndpointRouteBuilder MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/users").RequireAuthorization(Policies.Admin);
        users.MapGet("", (IUserStore store) => Results.Ok(store.GetUsers().Select(u => u.ToDto()).ToList()));
        users.MapPost("", (CreateUserRequest request, UserAdmin admin) =>
        {
            var created = admin.Create(request.Name ?? "", request.Roles ?? []);
            return Results.Created($"/api/users/{created.User.Name}", new CreatedUser(created.User.Name, created.User.Roles, created.Password, created.Token));
        });
        users.MapPost("/{name}/tokens", (string name, IUserStore store, UserAdmin admin) =>
            store.FindUser(name) is null ? throw new KeyNotFoundException($"no user '{name}'") : Results.Ok(new TokenDto(admin.IssueToken(name))));
        users.MapDelete("/{name}/tokens", (string name, IUserStore store) => Results.Ok(new { revoked = store.RevokeTokens(name) }));

        // A generated password, shown in this answer only (as at creation).
        users.MapPost("/{name}/password", (string name, UserAdmin admin) => Results.Ok(new { password = admin.ResetPassword(name) }));

        // Disabled, not deleted: reviews and uploads keep naming the user. Password, tokens and sessions stop at once.
        // Never oneself: the last admin could lock everyone out of user administration.
        users.MapPost("/{name}/disable", (string name, ClaimsPrincipal user, IUserStore store) =>
            string.Equals(user.Identity?.Name, name, StringComparison.Ordinal)
                ? throw new InvalidOperationException("you cannot disable yourself: ask another admin")
                : store.DisableUser(name) ? Results.Ok(store.FindUser(name)!.ToDto()) : throw new KeyNotFoundException($"no user '{name}'"));
        return app;
    }
}
