using Microsoft.AspNetCore.Http.HttpResults;
using SessionGrains.Clients;
using SessionGrains.Silo.Api.Audit;
using SessionGrains.Silo.Api.BackchannelLogout;
using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Api.Lists;
using SessionGrains.Silo.Api.OpenApi;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Silo.Audit;
using SessionGrains.Silo.BackchannelLogout;

namespace SessionGrains.Silo.Api.Clients;

/// <summary>
/// A tenant's client registry: the relying parties its sessions sign in to, each with where its
/// back-channel logout goes. The tenant-admin's (tenant-wide: no microtenant-scoped key).
/// </summary>
public static class ClientEndpoints
{
    /// <summary>Maps the client routes onto the /api/v1/tenants/{tenantId} group.</summary>
    public static RouteGroupBuilder MapClientEndpoints(this RouteGroupBuilder tenant)
    {
        var clients = tenant.MapGroup("/clients").WithTags(ApiTags.Clients).AllowRoles(TenantRoles.Admins).TenantWide();
        clients.MapPost("", CreateAsync).Audited(AuditActions.ClientCreate).WithName("RegisterClient").WithSummary("Register a client")
            .WithDescription("backchannelLogoutUri: an absolute http(s) URI without a fragment, or null. 409 client_exists; "
                + $"at most {IClientRegistryGrain.MaxClients} clients a tenant (409 client_limit_reached).");
        clients.MapGet("", ListAsync).WithName("ListClients").WithSummary("List the tenant's clients").WithDescription("Ordered by clientId; paged like every list.");
        clients.MapGet("/{clientId}", GetAsync).WithName("GetClient").WithSummary("One client").WithDescription("404 client_not_found.");
        clients.MapPut("/{clientId}", UpdateAsync).Audited(AuditActions.ClientUpdate, "clientId").WithName("UpdateClient").WithSummary("Change a client")
            .WithDescription("The same body as registering; its clientId must be the path's. 404 client_not_found.");
        clients.MapGet("/{clientId}/backchannel-logout", ProgressAsync).WithName("GetBackchannelLogoutProgress")
            .WithSummary("A client's back-channel logout progress")
            .WithDescription("Its logout notices by status: pending (queued or being retried), delivered (answered 2xx), failed "
                + "(given up after the retry window); kept for the outbox's retention. How far a logout-all has drained. "
                + "Counts also for a client since removed; zero for one never told of an end.");
        clients.MapDelete("/{clientId}", DeleteAsync).Audited(AuditActions.ClientDelete, "clientId").WithName("DeleteClient").WithSummary("Remove a client")
            .WithDescription("404 client_not_found.");
        return tenant;
    }

    private static async Task<Results<Created<ClientDto>, ApiProblem<Status409Conflict>>> CreateAsync(string tenantId, ClientRequest body, IGrainFactory grains)
    {
        var (change, client) = await Registry(grains, tenantId).Create(body.ClientId!, body.ToRegistration());
        return change switch
        {
            ClientChange.Stored => TypedResults.Created($"/api/v1/tenants/{tenantId}/clients/{client!.ClientId}", ClientDto.From(client)),
            ClientChange.Exists => ApiProblem.Of<Status409Conflict>("client_exists", "Client exists", $"Client '{body.ClientId}' is already registered."),
            _ => ApiProblem.Of<Status409Conflict>("client_limit_reached", "Client limit reached",
                $"The tenant already has {IClientRegistryGrain.MaxClients} clients; remove one first."),
        };
    }

    private static async Task<Ok<PageOf<ClientDto>>> ListAsync(string tenantId, [AsParameters] PageQuery query, IGrainFactory grains) =>
        TypedResults.Ok(query.Paging.Of((await Registry(grains, tenantId).List()).Select(ClientDto.From).ToList()));

    private static async Task<Results<Ok<ClientDto>, ApiProblem<Status404NotFound>>> GetAsync(string tenantId, string clientId, IGrainFactory grains) =>
        await Registry(grains, tenantId).Get(clientId) is { } client ? TypedResults.Ok(ClientDto.From(client)) : ClientNotFound(clientId);

    private static async Task<Results<Ok<ClientDto>, ValidationProblem, ApiProblem<Status404NotFound>>> UpdateAsync(
        string tenantId, string clientId, ClientRequest body, IGrainFactory grains)
    {
        if (body.ClientId != clientId)
        {
            return Validator.Fail("clientId", $"must be the path's client id '{clientId}'.");
        }

        var (change, client) = await Registry(grains, tenantId).Update(clientId, body.ToRegistration());
        return change == ClientChange.Stored ? TypedResults.Ok(ClientDto.From(client!)) : ClientNotFound(clientId);
    }

    private static async Task<Results<NoContent, ApiProblem<Status404NotFound>>> DeleteAsync(string tenantId, string clientId, IGrainFactory grains) =>
        await Registry(grains, tenantId).Delete(clientId) ? TypedResults.NoContent() : ClientNotFound(clientId);

    private static async Task<Ok<BackchannelLogoutProgressDto>> ProgressAsync(
        string tenantId, string clientId, BackchannelOutbox outbox, CancellationToken cancellationToken)
    {
        var counts = await outbox.CountsAsync(tenantId, clientId, cancellationToken);
        return TypedResults.Ok(new BackchannelLogoutProgressDto(clientId, counts.Pending, counts.Delivered, counts.Failed));
    }

    private static IClientRegistryGrain Registry(IGrainFactory grains, string tenantId) => grains.GetGrain<IClientRegistryGrain>(tenantId);

    private static ApiProblem<Status404NotFound> ClientNotFound(string clientId) =>
        ApiProblem.Of<Status404NotFound>("client_not_found", "Client not found", $"There is no client '{clientId}'.");
}
