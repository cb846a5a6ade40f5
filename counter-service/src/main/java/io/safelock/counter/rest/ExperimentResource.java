package io.safelock.counter.rest;

import io.safelock.counter.experiment.RaceExperiment;
import io.safelock.counter.experiment.RaceRequest;
import io.safelock.counter.experiment.RaceResult;
import io.safelock.lock.quarkus.security.AdminAccess;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/experiments")
@Tag(name = "experiments")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ExperimentResource {

    private final RaceExperiment race;

    public ExperimentResource(RaceExperiment race) {
        this.race = race;
    }

    @POST
    @Path("race")
    @RolesAllowed(AdminAccess.ROLE)
    @Operation(summary = "Admin: run concurrent workers against one counter in this replica and report expected, actual and lost updates")
    public Uni<RaceResult> race(RaceRequest request) {
        return race.run(request);
    }
}
